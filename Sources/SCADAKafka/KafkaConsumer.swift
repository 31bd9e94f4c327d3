import CRdKafka
import Logging

/// A member of a Kafka consumer group with manual, at-least-once offset handling.
///
/// Read with ``poll(maxMessages:timeout:)`` or ``messages``, call ``markProcessed(_:)-(KafkaConsumerMessage)``
/// once a message's side effect is done, and ``commit()`` to make that durable. A message never marked
/// processed is delivered again after a restart or rebalance. librdkafka's blocking calls run on two
/// dedicated threads (polling, committing), never on Swift's cooperative pool.
public final class KafkaConsumer: Sendable {
    private let handle: RDKafkaHandle
    private let state: ConsumerState
    private let pollWorker: BlockingWorker
    private let commitWorker: BlockingWorker
    private let configuration: KafkaConsumerConfiguration

    /// Assignments, revocations and errors. A single stream: iterate it from one task only.
    public var events: AsyncStream<KafkaConsumerEvent> { state.events }

    /// All messages, one by one; ends when the consumer is closed or the iterating task is cancelled.
    public var messages: KafkaConsumerMessages { KafkaConsumerMessages(consumer: self) }

    /// Joins `configuration.groupID` and subscribes to `configuration.topics`.
    public init(configuration: KafkaConsumerConfiguration, logger: Logger) throws {
        try KafkaRuntime.requireSupportedVersion()
        guard !configuration.topics.isEmpty else {
            throw KafkaError(.configuration(key: "topics", reason: "no topics to subscribe to"), message: "no topics to subscribe to")
        }
        let state = ConsumerState(logger: logger)
        let context = RDKafkaContext(
            logger: logger,
            onRebalance: { rk, code, list in state.rebalance(rk: rk, code: code, list: list) },
            onError: { state.report(.error($0)) })
        let handle = try RDKafkaHandle(type: RD_KAFKA_CONSUMER, properties: configuration.properties, context: context)
        _ = rd_kafka_poll_set_consumer(handle.pointer)
        let topics = configuration.topics.map { KafkaTopicPartition(topic: $0, partition: RD_KAFKA_PARTITION_UA) }
        guard let list = RDKafkaPartitionList.make(topics) else {
            throw KafkaError(.library(code: -1), message: "could not allocate a topic list")
        }
        defer { rd_kafka_topic_partition_list_destroy(list) }
        let code = rd_kafka_subscribe(handle.pointer, list)
        guard code == RD_KAFKA_RESP_ERR_NO_ERROR else { throw KafkaError(rdkafka: code) }

        self.handle = handle
        self.state = state
        self.configuration = configuration
        pollWorker = BlockingWorker(name: "kafka-consumer-\(handle.name)")
        commitWorker = BlockingWorker(name: "kafka-commit-\(handle.name)")
    }

    deinit {
        commitWorker.stop()
        pollWorker.stop(after: Self.finalJob(handle: handle, state: state))
    }

    /// Returns up to `maxMessages` messages: as soon as at least one is there, or empty after `timeout`.
    /// Returns early (possibly empty) when the calling task is cancelled; messages are never dropped.
    public func poll(maxMessages: Int, timeout: Duration) async throws -> [KafkaConsumerMessage] {
        let buffered = state.takeBuffered(max: maxMessages)
        if !buffered.isEmpty { return buffered }
        return try await pollBatch(maxMessages: maxMessages, timeout: timeout)
    }

    /// Records `message` as processed: its offset + 1 is stored for the next ``commit()``.
    public func markProcessed(_ message: KafkaConsumerMessage) {
        markProcessed(CollectionOfOne(message))
    }

    /// Records `messages` as processed: per partition, the highest offset + 1 is stored for the next
    /// ``commit()``. Stored offsets only move forward; partitions no longer assigned here are skipped.
    public func markProcessed(_ messages: some Sequence<KafkaConsumerMessage>) {
        var next: [ConsumerState.PartitionKey: Int64] = [:]
        for message in messages {
            let key = ConsumerState.PartitionKey(topic: message.topic, partition: message.partition)
            next[key] = max(next[key] ?? Int64.min, message.offset + 1)
        }
        guard !next.isEmpty else { return }
        do {
            try handle.withHandle { rk in state.store(next, rk: rk) }
        } catch {
            state.logger.debug("markProcessed after close ignored")
        }
    }

    /// Synchronously commits every stored offset (no-op when nothing new was marked processed).
    /// Throws ``KafkaError/Kind/commitFailed`` (or ``KafkaError/Kind/closed``).
    public func commit() async throws {
        try await commitWorker.run { [handle] () throws(KafkaError) in
            try handle.withHandle { (rk) throws(KafkaError) in
                if let failure = ConsumerState.commitStored(rk) { throw failure }
            }
        }
    }

    /// Commits the stored offsets, leaves the group cleanly and destroys the client. Idempotent.
    public func close() async {
        if state.beginClosing() {
            commitWorker.stop()
            await commitWorker.waitUntilStopped()
            pollWorker.stop(after: Self.finalJob(handle: handle, state: state))
        }
        await pollWorker.waitUntilStopped()
    }

    /// The next message for the `messages` sequence; nil once closed or cancelled.
    func nextMessage() async throws -> KafkaConsumerMessage? {
        while true {
            if let message = state.popBuffered() { return message }
            if state.isClosing || Task.isCancelled { return nil }
            do {
                state.appendBuffered(try await pollBatch(maxMessages: configuration.maxPollRecords, timeout: .seconds(1)))
            } catch let error as KafkaError where error.kind == .closed {
                return nil
            }
        }
    }

    private func pollBatch(maxMessages: Int, timeout: Duration) async throws -> [KafkaConsumerMessage] {
        let cancelled = CancellationFlag()
        return try await withTaskCancellationHandler {
            try await pollWorker.run { [handle, state] () throws(KafkaError) in
                try handle.withHandle { rk in
                    Self.poll(rk, state: state, maxMessages: maxMessages, timeout: timeout, cancelled: cancelled)
                }
            }
        } onCancel: {
            cancelled.set()
        }
    }

    /// Blocking batch poll in slices of at most 100 ms, so cancellation and close are noticed quickly.
    private static func poll(_ rk: OpaquePointer, state: ConsumerState, maxMessages: Int, timeout: Duration,
                             cancelled: CancellationFlag) -> [KafkaConsumerMessage] {
        let deadline = ContinuousClock.now + timeout
        var messages: [KafkaConsumerMessage] = []
        while messages.count < maxMessages && !cancelled.isSet && !state.isClosing {
            let wait = messages.isEmpty ? min(Int32(100), (deadline - ContinuousClock.now).rdkafkaMilliseconds) : 0
            guard let message = rd_kafka_consumer_poll(rk, wait) else {
                if !messages.isEmpty || ContinuousClock.now >= deadline { break }
                continue
            }
            defer { rd_kafka_message_destroy(message) }
            let code = message.pointee.err
            guard code == RD_KAFKA_RESP_ERR_NO_ERROR else {
                let error = KafkaError(rdkafka: code, message: rd_kafka_message_errstr(message).map { String(cString: $0) })
                state.logger.warning("consumer error: \(error.message)")
                state.report(.error(error))
                continue
            }
            messages.append(KafkaConsumerMessage(rdkafka: message))
        }
        return messages
    }

    /// The last job on the poll thread: commit, leave the group, destroy, end the event stream.
    private static func finalJob(handle: RDKafkaHandle, state: ConsumerState) -> @Sendable () -> Void {
        return {
            _ = state.beginClosing()
            handle.closeAndWaitForUsers()
            let rk = handle.pointer
            if let failure = ConsumerState.commitStored(rk) {
                state.logger.warning("commit on close failed: \(failure.message)")
                state.report(.error(failure))
            }
            let code = rd_kafka_consumer_close(rk)
            if code != RD_KAFKA_RESP_ERR_NO_ERROR {
                state.logger.warning("leaving the group failed: \(String(cString: rd_kafka_err2str(code)))")
            }
            handle.destroy()
            state.finishEvents()
        }
    }
}
