import Foundation
import Logging
import SCADAConcurrency
import SCADACore
import SCADAKafka
import SCADAMongo
import SCADAOps
import ServiceLifecycle
import Synchronization

/// The running db-interface: consumes the telemetry, status and alert topics in batches, writes each
/// batch to MongoDB (retrying with backoff while MongoDB is away, without consuming more), sends what
/// cannot be stored to the dead-letter topic, and only then commits the batch's offsets. On graceful
/// shutdown it finishes the current batch and commits.
public struct Historian: Service {
    public let common: CommonConfiguration
    public let configuration: DBInterfaceConfiguration
    public let metrics: DBInterfaceMetrics
    public let readiness: Readiness
    public let logger: Logger

    public init(common: CommonConfiguration, configuration: DBInterfaceConfiguration, metrics: DBInterfaceMetrics,
                readiness: Readiness, logger: Logger) {
        self.common = common
        self.configuration = configuration
        self.metrics = metrics
        self.readiness = readiness
        self.logger = logger
    }

    public func run() async throws {
        let writeConcern: MongoWriteConcern = configuration.writeConcern == "majority" ? .majority : .acknowledged
        let mongo = try MongoClient(configuration: MongoClientConfiguration(
            uri: common.mongodb.uri, appName: "db-interface", serverSelectionTimeout: .seconds(5),
            writeConcern: writeConcern), logger: logger)
        let database = mongo.database(common.mongodb.database)
        let stopping = StopFlag()
        try await withGracefulShutdownHandler {
            try await ensureIndexes(database, stopping: stopping)
            let consumer = try KafkaConsumer(configuration: KafkaConsumerConfiguration(
                bootstrapServers: common.kafka.brokers, groupID: configuration.groupID,
                topics: [Topics.telemetry, Topics.deviceStatus, Topics.alerts],
                sessionTimeout: .milliseconds(common.kafka.sessionTimeoutMs),
                maxPollRecords: configuration.batch.maxDocuments, clientID: "db-interface",
                extra: common.kafka.properties), logger: logger)
            let producer = try KafkaProducer(configuration: KafkaProducerConfiguration(
                bootstrapServers: common.kafka.brokers, clientID: "db-interface", messageTimeout: nil,
                autoCreateTopics: false, extra: common.kafka.properties), logger: logger)
            readiness.set("kafka", ready: true, detail: "consuming as \(configuration.groupID)")
            let writer = BatchWriter(database: database, writeConcern: writeConcern)
            await consume(consumer: consumer, producer: producer, writer: writer, stopping: stopping)
            await consumer.close()
            await producer.shutdown(timeout: .seconds(10))
        } onGracefulShutdown: {
            stopping.set()
        }
        mongo.close()
        logger.info("stopped")
    }

    /// Creates the indexes, waiting for MongoDB if it is not there yet.
    func ensureIndexes(_ database: MongoDatabase, stopping: StopFlag) async throws {
        var backoff = retryBackoff()
        while !stopping.isSet {
            let failure: MongoError
            do {
                try await Indexes.ensure(database, retention: configuration.retention)
                readiness.set("mongodb", ready: true, detail: "indexes in place")
                return
            } catch {
                failure = error
            }
            guard failure.isRetryable else { throw failure }
            readiness.set("mongodb", ready: false, detail: "unreachable: \(failure.kind)")
            let delay = backoff.next()
            logger.warning("MongoDB not reachable yet; retrying", metadata: ["error": "\(failure)", "in": "\(delay)"])
            try await Task.sleep(for: delay)
        }
    }

    /// The main loop. The next batch is polled and decoded while MongoDB stores the current one; a batch
    /// prefetched when the service stops is not committed, so it is delivered again after a restart.
    func consume(consumer: KafkaConsumer, producer: KafkaProducer, writer: BatchWriter, stopping: StopFlag) async {
        var pending = Pending()
        var batch = await fetch(consumer, stopping: stopping)
        while !stopping.isSet && !Task.isCancelled {
            async let following = fetch(consumer, stopping: stopping)
            if !batch.messages.isEmpty {
                logger.debug("batch collected", metadata: ["messages": "\(batch.messages.count)"])
                metrics.consumed.increment(by: Int64(batch.messages.count))
                metrics.batchSize.record(batch.messages.count)
                guard let raw = await writeWithRetry(batch, writer: writer, stopping: stopping) else {
                    logger.info("stopping with a batch MongoDB did not take: it will be delivered again", metadata: ["size": "\(batch.messages.count)"])
                    return
                }
                pending.add(batch.messages, raw)
            }
            // Rollups and registry go out once per flush interval (or when idle, or when much is pending);
            // offsets are committed only after them, so a crash before never loses a rollup contribution.
            if !pending.messages.isEmpty, batch.messages.isEmpty || pending.isDue(configuration.batch) {
                guard await flush(&pending, consumer: consumer, producer: producer, writer: writer, stopping: stopping) else { return }
            }
            batch = await following
        }
        if !pending.messages.isEmpty && !Task.isCancelled {
            _ = await flush(&pending, consumer: consumer, producer: producer, writer: writer, stopping: stopping)
        }
    }

    /// The next batch, decoded; empty when nothing came (or the poll failed, after a pause).
    func fetch(_ consumer: KafkaConsumer, stopping: StopFlag) async -> PreparedBatch {
        do {
            return BatchWriter.prepare(try await collect(consumer, stopping: stopping), retainedSince: retainedSince())
        } catch {
            logger.error("Kafka poll failed", metadata: ["error": "\(error)"])
            try? await Task.sleep(for: .seconds(1))
            return PreparedBatch(messages: [])
        }
    }

    /// Writes the pending rollups and registry changes, sends the dead letters and commits the offsets.
    /// False when the service is stopping while MongoDB is away (nothing is committed then).
    func flush(_ pending: inout Pending, consumer: KafkaConsumer, producer: KafkaProducer, writer: BatchWriter,
               stopping: StopFlag) async -> Bool {
        var backoff = retryBackoff()
        let started = ContinuousClock.now
        while true {
            do {
                try await writer.writeDerived(new: pending.new, duplicates: pending.duplicates, recomputeAll: backoff.attempts > 0)
                logger.debug("rollups and registry written", metadata: [
                    "messages": "\(pending.messages.count)", "ms": "\(Int((ContinuousClock.now - started) / .milliseconds(1)))"])
                break
            } catch {
                let delay = backoff.next()
                metrics.retries.increment()
                readiness.set("mongodb", ready: false, detail: "\(error.kind)")
                logger.warning("MongoDB rollup/registry write failed; retrying", metadata: ["error": "\(error)", "in": "\(delay)"])
                if (stopping.isSet && backoff.attempts > 1) || Task.isCancelled { return false }
                try? await Task.sleep(for: delay)
            }
        }
        for item in pending.unstorable { await sendDeadLetter(item, producer: producer) }
        consumer.markProcessed(pending.messages)
        do {
            try await consumer.commit()
        } catch {
            logger.warning("offset commit failed; the batch may be delivered again (stored idempotently)",
                           metadata: ["error": "\(error)"])
        }
        if let newest = pending.messages.compactMap(\.timestamp).max() {
            metrics.lagSeconds.record(max(0, Date().timeIntervalSince(newest)))
        }
        pending = Pending()
        return true
    }

    /// Up to `maxDocuments` messages, waiting at most `maxWaitMs` after the first.
    func collect(_ consumer: KafkaConsumer, stopping: StopFlag) async throws -> [KafkaConsumerMessage] {
        let first = try await consumer.poll(maxMessages: configuration.batch.maxDocuments, timeout: .milliseconds(200))
        guard !first.isEmpty else { return [] }
        var batch = first
        let deadline = ContinuousClock.now + .milliseconds(configuration.batch.maxWaitMs)
        while batch.count < configuration.batch.maxDocuments, ContinuousClock.now < deadline, !stopping.isSet {
            let remaining = deadline - ContinuousClock.now
            let more = try await consumer.poll(maxMessages: configuration.batch.maxDocuments - batch.count,
                                               timeout: min(remaining, .milliseconds(configuration.batch.maxWaitMs)))
            batch.append(contentsOf: more)
        }
        return batch
    }

    /// Writes until MongoDB takes the batch; nil if the service is stopping while MongoDB is away.
    func writeWithRetry(_ batch: PreparedBatch, writer: BatchWriter, stopping: StopFlag) async -> RawBatch? {
        var backoff = retryBackoff()
        while true {
            let started = ContinuousClock.now
            do {
                let raw = try await writer.write(batch)
                let elapsed = ContinuousClock.now - started
                metrics.writeLatency.recordNanoseconds(elapsed.components.seconds * 1_000_000_000
                                                       + elapsed.components.attoseconds / 1_000_000_000)
                metrics.inserted.increment(by: Int64(raw.new.count))
                metrics.duplicates.increment(by: Int64(raw.duplicates.count))
                metrics.batches.increment()
                logger.debug("batch written", metadata: ["messages": "\(batch.messages.count)", "ms": "\(Int(elapsed / .milliseconds(1)))",
                                                         "inserted": "\(raw.new.count)",
                                                         "duplicates": "\(raw.duplicates.count)", "unstorable": "\(raw.unstorable.count)"])
                if backoff.attempts > 0 { logger.info("MongoDB is back; writing resumed") }
                readiness.set("mongodb", ready: true, detail: "writing")
                return raw
            } catch {
                let delay = backoff.next()
                metrics.retries.increment()
                readiness.set("mongodb", ready: false, detail: "\(error.kind)")
                logger.warning("MongoDB write failed; retrying the batch", metadata: ["error": "\(error)", "in": "\(delay)"])
                if stopping.isSet || Task.isCancelled { return nil }
                try? await Task.sleep(for: delay)
            }
        }
    }

    /// The oldest event time (UTC ms) a sample may have to be kept by the telemetry TTL: the retention window
    /// less a minute of margin, so that nothing is counted as stored and deleted within the same minute.
    func retainedSince() -> Int64 {
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        return now - Int64(configuration.retention.telemetryDays) * 86_400_000 + 60_000
    }

    /// The retry schedule of every MongoDB write (`retry.initialMs` doubling up to `retry.maxMs`).
    func retryBackoff() -> Backoff {
        Backoff(initial: .milliseconds(configuration.retry.initialMs), maximum: .milliseconds(configuration.retry.maxMs))
    }

    func sendDeadLetter(_ item: Unstorable, producer: KafkaProducer) async {
        let headers = [
            KafkaHeader(key: DeadLetter.reasonHeader, value: item.reason),
            KafkaHeader(key: DeadLetter.detailHeader, value: item.detail),
            KafkaHeader(key: DeadLetter.sourceHeader, value: "\(item.message.topic)/\(item.message.partition)/\(item.message.offset)"),
            KafkaHeader(key: DeadLetter.serviceHeader, value: DBInterfaceService.name),
            KafkaHeader(key: DeadLetter.rejectedAtHeader, value: String(Int64(Date().timeIntervalSince1970 * 1000))),
        ]
        do {
            _ = try await producer.send(KafkaProducerRecord(topic: Topics.deadLetter, key: item.message.key,
                                                            value: item.message.value, headers: headers))
            metrics.deadLetters.increment()
            if item.reason == BatchWriter.outsideRetention { metrics.outsideRetention.increment() }
        } catch {
            logger.error("dead letter not delivered", metadata: ["error": "\(error)", "reason": "\(item.reason)"])
        }
    }
}

/// Set once when graceful shutdown begins.
final class StopFlag: Sendable {
    private let value = Atomic<Bool>(false)
    func set() { value.store(true, ordering: .relaxed) }
    var isSet: Bool { value.load(ordering: .relaxed) }
}

/// Stored batches whose rollups, registry changes, dead letters and offsets are not written yet.
struct Pending: Sendable {
    var messages: [KafkaConsumerMessage] = []
    var new: [TelemetryRecord] = []
    var duplicates: [TelemetryRecord] = []
    var unstorable: [Unstorable] = []
    var since: ContinuousClock.Instant?

    mutating func add(_ batch: [KafkaConsumerMessage], _ raw: RawBatch) {
        if since == nil { since = .now }
        // Only the positions (for the commit) and timestamps (for the lag) are needed from here on.
        messages += batch.lazy.map { KafkaConsumerMessage(topic: $0.topic, partition: $0.partition, offset: $0.offset,
                                                          value: [], timestamp: $0.timestamp) }
        new += raw.new
        duplicates += raw.duplicates
        unstorable += raw.unstorable
    }

    func isDue(_ batch: DBInterfaceConfiguration.Batch) -> Bool {
        guard let since else { return false }
        return ContinuousClock.now - since >= .milliseconds(batch.flushIntervalMs) || messages.count >= batch.maxPendingDocuments
    }
}
