import CRdKafka
import Foundation
import Logging
import SCADAConcurrency

/// A Kafka producer over librdkafka: idempotent by default, every record's fate reported exactly once.
///
/// A dedicated thread polls librdkafka's delivery reports and runs the completions (keep them short).
/// Call ``shutdown(timeout:)`` when done; dropping the producer without it flushes in the background.
public final class KafkaProducer: Sendable {
    private let handle: RDKafkaHandle
    private let worker: BlockingWorker
    private let registry: DeliveryRegistry
    /// Pulsed after every delivery report: a sender waiting for room in the local queue waits on it.
    private let deliveries: AsyncPulse
    private let configuration: KafkaProducerConfiguration
    private let logger: Logger

    public init(configuration: KafkaProducerConfiguration, logger: Logger) throws {
        try KafkaRuntime.requireSupportedVersion()
        let registry = DeliveryRegistry()
        let deliveries = AsyncPulse()
        let context = RDKafkaContext(logger: logger, onDelivery: {
            registry.deliver($0)
            deliveries.pulse()
        })
        let handle = try RDKafkaHandle(type: RD_KAFKA_PRODUCER, properties: configuration.properties, context: context)
        self.handle = handle
        self.registry = registry
        self.deliveries = deliveries
        self.configuration = configuration
        self.logger = logger
        worker = BlockingWorker(name: "kafka-producer-\(handle.name)",
                                idle: { _ = rd_kafka_poll(handle.pointer, 100) },
                                wake: { rd_kafka_yield(handle.pointer) })
    }

    deinit {
        worker.stop(after: Self.finalJob(handle: handle, registry: registry, logger: logger, timeout: .seconds(5)))
    }

    /// Hands `record` to librdkafka without waiting; `onDelivery` runs once on the poll thread with the
    /// broker's acknowledgement or the failure. Throws ``KafkaError/Kind/queueFull`` when the local queue
    /// is full (back off and retry), ``KafkaError/Kind/closed`` after shutdown.
    public func enqueue(_ record: KafkaProducerRecord,
                        onDelivery: @escaping @Sendable (Result<KafkaDeliveryReport, KafkaError>) -> Void) throws(KafkaError) {
        try handle.withHandle { (rk) throws(KafkaError) in
            let id = registry.register(topic: record.topic, onDelivery)
            do throws(KafkaError) {
                try RDKafkaProduce.produce(rk, record, opaque: id)
            } catch {
                registry.cancel(id)
                throw error
            }
        }
    }

    /// Sends `record` and returns once the broker acknowledged it (per `acks`).
    /// Waits while the local queue is full, up to the message timeout.
    public func send(_ record: KafkaProducerRecord) async throws -> KafkaDeliveryReport {
        let deadline = ContinuousClock.now + .milliseconds(configuration.messageTimeoutMilliseconds)
        while true {
            let seen = deliveryGeneration
            do {
                return try await withCheckedThrowingContinuation { continuation in
                    do {
                        try enqueue(record) { continuation.resume(with: $0) }
                    } catch {
                        continuation.resume(throwing: error)
                    }
                }
            } catch let error as KafkaError where error.kind == .queueFull && ContinuousClock.now < deadline {
                try await waitForDelivery(after: seen)
            }
        }
    }

    /// Sends all `records` (enqueued in order, then awaited together); one result per record, in order.
    public func send(_ records: [KafkaProducerRecord]) async -> [Result<KafkaDeliveryReport, KafkaError>] {
        guard !records.isEmpty else { return [] }
        let collector = BatchCollector(count: records.count)
        let deadline = ContinuousClock.now + .milliseconds(configuration.messageTimeoutMilliseconds)
        for (index, record) in records.enumerated() {
            while true {
                let seen = deliveryGeneration
                do {
                    try enqueue(record) { collector.set(index, $0) }
                    break
                } catch where error.kind == .queueFull && ContinuousClock.now < deadline {
                    do { try await waitForDelivery(after: seen) } catch { collector.set(index, .failure(error)); break }
                } catch {
                    collector.set(index, .failure(error))
                    break
                }
            }
        }
        return await collector.results()
    }

    /// Waits until every enqueued record has been acknowledged or failed.
    /// Throws ``KafkaError/Kind/timedOut`` if some are still outstanding after `timeout`.
    public func flush(timeout: Duration) async throws {
        try await worker.run { [handle] () throws(KafkaError) in
            let code = rd_kafka_flush(handle.pointer, timeout.rdkafkaMilliseconds)
            guard code == RD_KAFKA_RESP_ERR_NO_ERROR else {
                throw KafkaError(rdkafka: code, message: "flush timed out with \(rd_kafka_outq_len(handle.pointer)) outstanding")
            }
        }
    }

    /// Flushes for up to `timeout`, fails whatever is left with ``KafkaError/Kind/closed``, and destroys
    /// the client. Every completion has run when this returns. Later calls return at once.
    public func shutdown(timeout: Duration = .seconds(30)) async {
        worker.stop(after: Self.finalJob(handle: handle, registry: registry, logger: logger, timeout: timeout))
        await worker.waitUntilStopped()
    }

    /// Records and protocol requests librdkafka still holds (`rd_kafka_outq_len`); 0 once shut down.
    public var outstandingCount: Int {
        (try? handle.withHandle { rk in Int(rd_kafka_outq_len(rk)) }) ?? 0
    }

    /// Counts delivery reports so far; read it before an ``enqueue(_:onDelivery:)`` that may find the queue
    /// full, then ``waitForDelivery(after:)`` with it.
    public var deliveryGeneration: UInt64 { deliveries.generation }

    /// Returns once a delivery report arrived after `generation` was read (at once if one did meanwhile):
    /// the moment the local queue may have room again. Every enqueued record gets its report within the
    /// message timeout, so this never waits longer while records are outstanding.
    public func waitForDelivery(after generation: UInt64) async throws(KafkaError) {
        do {
            try await deliveries.wait(after: generation)
        } catch {
            throw KafkaError(.cancelled, message: "cancelled while waiting for room in the produce queue")
        }
    }

    /// The last job on the poll thread: flush, purge the rest, destroy, resolve leftovers.
    private static func finalJob(handle: RDKafkaHandle, registry: DeliveryRegistry, logger: Logger,
                                 timeout: Duration) -> @Sendable () -> Void {
        return {
            handle.closeAndWaitForUsers()
            let rk = handle.pointer
            if rd_kafka_flush(rk, timeout.rdkafkaMilliseconds) != RD_KAFKA_RESP_ERR_NO_ERROR {
                logger.warning("producer shutdown: \(registry.count) records not acknowledged in time, purging them")
                _ = rd_kafka_purge(rk, RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT)
                _ = rd_kafka_flush(rk, 1000)
            }
            handle.destroy()
            registry.failAll(KafkaError.closed("the producer shut down before the record was acknowledged"))
        }
    }
}

/// Gathers the results of a batch send and resumes the caller when the last one arrived.
private final class BatchCollector: @unchecked Sendable {
    private let lock = NSLock()
    private var values: [Result<KafkaDeliveryReport, KafkaError>?]
    private var remaining: Int
    private var continuation: CheckedContinuation<[Result<KafkaDeliveryReport, KafkaError>], Never>?

    init(count: Int) {
        values = Array(repeating: nil, count: count)
        remaining = count
    }

    func set(_ index: Int, _ result: Result<KafkaDeliveryReport, KafkaError>) {
        let finished: (CheckedContinuation<[Result<KafkaDeliveryReport, KafkaError>], Never>, [Result<KafkaDeliveryReport, KafkaError>])? = lock.withLock {
            guard values[index] == nil else { return nil }
            values[index] = result
            remaining -= 1
            guard remaining == 0, let continuation else { return nil }
            self.continuation = nil
            return (continuation, collected())
        }
        if let (continuation, results) = finished { continuation.resume(returning: results) }
    }

    func results() async -> [Result<KafkaDeliveryReport, KafkaError>] {
        await withCheckedContinuation { continuation in
            let ready: [Result<KafkaDeliveryReport, KafkaError>]? = lock.withLock {
                if remaining == 0 { return collected() }
                self.continuation = continuation
                return nil
            }
            if let ready { continuation.resume(returning: ready) }
        }
    }

    private func collected() -> [Result<KafkaDeliveryReport, KafkaError>] {
        values.map { $0 ?? .failure(KafkaError.closed()) }
    }
}
