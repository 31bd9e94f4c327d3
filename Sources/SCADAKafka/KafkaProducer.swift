import CRdKafka
import Dispatch
import Foundation
import Logging
import SCADAConcurrency
import Synchronization

/// A Kafka producer over librdkafka: idempotent by default, every record's fate reported exactly once.
///
/// A dedicated thread polls librdkafka's delivery reports and runs the completions (keep them short).
/// When librdkafka reports a fatal error (an idempotent producer the broker no longer knows, as after a
/// broker that lost its state restarted), the producer replaces its librdkafka handle and hands every
/// record not yet acknowledged to the new one, in the order they were first enqueued: callers see
/// at-least-once delivery, never a failure for that. Call ``shutdown(timeout:)`` when done; dropping
/// the producer without it flushes in the background.
public final class KafkaProducer: Sendable {
    private let current: Mutex<ProducerSession?>
    private let shutDown = Atomic<Bool>(false)
    private let registry: DeliveryRegistry
    /// Pulsed after every delivery report: a sender waiting for room in the local queue waits on it.
    private let deliveries: AsyncPulse
    private let replacements = Atomic<Int>(0)
    /// Records refused at once for a missing topic or partition, produced again after each poll.
    private let parked = ParkedRecords()
    /// Monotonic time (ns) of the last delivery report, or of the first record enqueued while none was outstanding.
    private let lastProgress = Atomic<UInt64>(0)
    /// Monotonic time (ns) the poll thread last asked whether a stalled producer's broker answers.
    private let lastStallCheck = Atomic<UInt64>(0)
    private let configuration: KafkaProducerConfiguration
    private let logger: Logger

    public init(configuration: KafkaProducerConfiguration, logger: Logger) throws {
        try KafkaRuntime.requireSupportedVersion()
        registry = DeliveryRegistry()
        deliveries = AsyncPulse()
        current = Mutex(nil)
        self.configuration = configuration
        self.logger = logger
        let first = try makeSession(number: 1)
        current.withLock { $0 = first }
    }

    deinit {
        guard let session = current.withLock({ $0 }) else { return }
        session.worker.stop(after: session.finalJob(timeout: .seconds(5), logger: logger) { [registry] in
            registry.failAll(KafkaError.closed("the producer shut down before the record was acknowledged"))
        })
    }

    private func makeSession(number: UInt64) throws(KafkaError) -> ProducerSession {
        try ProducerSession(number: number, properties: configuration.properties, registry: registry, logger: logger,
                            onReport: { [weak self, deliveries] in
                                self?.lastProgress.store(Self.now(), ordering: .relaxed)
                                deliveries.pulse()
                            },
                            onIdle: { [weak self] session in
                                self?.retryParked(session)
                                self?.checkStall(session)
                            },
                            onRefused: { [weak self] id, record in self?.park(id, record) ?? false },
                            onFatal: { [weak self] failed in self?.replace(failed) })
    }

    private static func now() -> UInt64 { DispatchTime.now().uptimeNanoseconds }

    /// Until when a record refused for a missing topic or partition is re-sent: its message timeout.
    private func resendDeadline() -> UInt64 {
        guard let timeout = configuration.messageTimeout else { return UInt64.max }
        return Self.now() &+ UInt64(max(1, timeout.kafkaMilliseconds)) * 1_000_000
    }

    /// Parks a record whose re-send (after a delivery report about a missing topic) librdkafka refused at once.
    private func park(_ id: UInt, _ record: KafkaProducerRecord) -> Bool {
        guard !shutDown.load(ordering: .acquiring), let session = current.withLock({ $0 }) else { return false }
        let entry = ParkedRecords.Entry(id: id, record: record, until: resendDeadline())
        switch parked.produceInOrder(entry, now: Self.now(), produce: { (record, id) throws(KafkaError) in
            try session.produce(record, id: id)
        }) {
        case .produced, .parked: return true
        case .failed: return false
        }
    }

    /// Runs on the poll thread after each poll: produces the parked records again, in order.
    private func retryParked(_ session: ProducerSession) {
        guard current.withLock({ $0 === session }) else { return }
        let (produced, failed) = parked.retry(now: Self.now()) { (record, id) throws(KafkaError) in
            try session.produce(record, id: id)
        }
        for (id, error) in failed { registry.fail(id, error) }
        if produced > 0 || !failed.isEmpty { deliveries.pulse() }
    }

    /// Runs on the poll thread after each poll. Records outstanding, no delivery report for
    /// ``KafkaProducerConfiguration/stallTimeout`` while the broker answered (asked once a second): the handle is stuck (librdkafka
    /// 2.x bumps its idempotent producer's epoch for ever against a broker that forgot the producer id,
    /// without reporting an error), so it is replaced. A broker that does not answer is an outage: wait.
    private func checkStall(_ session: ProducerSession) {
        guard let stallTimeout = configuration.stallTimeout else { return }
        let now = Self.now()
        let stalledFor = now &- lastProgress.load(ordering: .relaxed)
        guard stalledFor > 1_000_000_000, now &- lastStallCheck.load(ordering: .relaxed) > 1_000_000_000,
              registry.count > 0, !shutDown.load(ordering: .acquiring), current.withLock({ $0 === session }) else { return }
        lastStallCheck.store(now, ordering: .relaxed)
        // Only time while the broker answers counts: an outage (or a frozen broker) starts the window again.
        guard session.brokerAnswers(timeout: .seconds(2)) else {
            lastProgress.store(Self.now(), ordering: .relaxed)
            return
        }
        guard stalledFor > UInt64(stallTimeout.rdkafkaMilliseconds) * 1_000_000 else { return }
        logger.warning("Kafka producer: no acknowledgement while the broker answers; replacing the handle",
                       metadata: ["stalled_s": "\(stalledFor / 1_000_000_000)", "outstanding": "\(registry.count)"])
        replace(session)
    }

    /// Runs on the failed session's poll thread (after a fatal error or a stall): a new session takes over
    /// every outstanding record.
    private func replace(_ failed: ProducerSession) {
        guard !shutDown.load(ordering: .acquiring), current.withLock({ $0 === failed }) else { return }
        let next: ProducerSession
        do {
            next = try makeSession(number: failed.number + 1)
        } catch {
            logger.critical("Kafka producer: fatal error and no new handle", metadata: ["error": "\(error)"])
            return
        }
        current.withLock { $0 = next }
        lastProgress.store(Self.now(), ordering: .relaxed)
        // No enqueue reaches the old handle from here on; what it held moves to the new one.
        failed.handle.closeAndWaitForUsers()
        // Parked records are in the registry too: they move with the rest, in their order.
        parked.removeAll()
        let moved = registry.adopt(into: next.number)
        for (id, record) in moved {
            let entry = ParkedRecords.Entry(id: id, record: record, until: resendDeadline())
            if case .failed(let error) = parked.produceInOrder(entry, now: Self.now(), produce: { (record, id) throws(KafkaError) in
                try next.produce(record, id: id)
            }) {
                registry.fail(id, error)
            }
        }
        replacements.add(1, ordering: .relaxed)
        logger.warning("Kafka producer: replaced its handle and handed over the records not yet acknowledged",
                       metadata: ["records": "\(moved.count)", "handle": "\(next.handle.name)"])
        failed.worker.stop(after: failed.finalJob(timeout: .zero, logger: logger) {})
        deliveries.pulse()
    }

    /// How many times the producer replaced its librdkafka handle after a fatal error.
    public var handleReplacements: Int { replacements.load(ordering: .relaxed) }

    /// Hands `record` to librdkafka without waiting; `onDelivery` runs once on the poll thread with the
    /// broker's acknowledgement or the failure. Throws ``KafkaError/Kind/queueFull`` when the local queue
    /// is full (back off and retry), ``KafkaError/Kind/closed`` after shutdown.
    public func enqueue(_ record: KafkaProducerRecord,
                        onDelivery: @escaping @Sendable (Result<KafkaDeliveryReport, KafkaError>) -> Void) throws(KafkaError) {
        while true {
            guard let session = current.withLock({ $0 }), !shutDown.load(ordering: .acquiring) else { throw KafkaError.closed() }
            if registry.count == 0 { lastProgress.store(Self.now(), ordering: .relaxed) }
            let until = resendDeadline()
            let id = registry.register(record, session: session.number, resendUntil: until, onDelivery)
            let outcome = parked.produceInOrder(ParkedRecords.Entry(id: id, record: record, until: until), now: Self.now()) {
                (record, id) throws(KafkaError) in try session.produce(record, id: id)
            }
            guard case .failed(let error) = outcome else { return }
            registry.cancel(id)
            // A session being replaced refuses new records: the next one takes them.
            if error.kind == .closed, current.withLock({ $0 !== session }) { continue }
            throw error
        }
    }

    /// Sends `record` and returns once the broker acknowledged it (per `acks`).
    /// Waits while the local queue is full, up to the message timeout.
    public func send(_ record: KafkaProducerRecord) async throws -> KafkaDeliveryReport {
        let deadline = configuration.messageTimeout.map { ContinuousClock.now + $0 }
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
            } catch let error as KafkaError where error.kind == .queueFull && deadline.map({ ContinuousClock.now < $0 }) ?? true {
                try await waitForDelivery(after: seen)
            }
        }
    }

    /// Sends all `records` (enqueued in order, then awaited together); one result per record, in order.
    public func send(_ records: [KafkaProducerRecord]) async -> [Result<KafkaDeliveryReport, KafkaError>] {
        guard !records.isEmpty else { return [] }
        let collector = BatchCollector(count: records.count)
        let deadline = configuration.messageTimeout.map { ContinuousClock.now + $0 }
        for (index, record) in records.enumerated() {
            while true {
                let seen = deliveryGeneration
                do {
                    try enqueue(record) { collector.set(index, $0) }
                    break
                } catch where error.kind == .queueFull && deadline.map({ ContinuousClock.now < $0 }) ?? true {
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
        let deadline = ContinuousClock.now + timeout
        // Parked records first reach librdkafka (produced again after each poll, which pulses).
        while parked.count > 0 {
            let left = deadline - ContinuousClock.now
            guard left > .zero else {
                throw KafkaError(.timedOut, message: "flush timed out with \(parked.count) records waiting for their topic")
            }
            let seen = deliveries.generation
            await withTaskGroup(of: Void.self) { [deliveries] group in
                group.addTask { try? await deliveries.wait(after: seen) }
                group.addTask { try? await Task.sleep(for: min(left, .milliseconds(250))) }
                await group.next()
                group.cancelAll()
            }
        }
        while true {
            guard let session = current.withLock({ $0 }) else { return }
            let left = max(.zero, deadline - ContinuousClock.now)
            var outcome: Result<Void, KafkaError> = .success(())
            do {
                try await session.worker.run { [handle = session.handle] () throws(KafkaError) in
                    let code = rd_kafka_flush(handle.pointer, left.rdkafkaMilliseconds)
                    guard code == RD_KAFKA_RESP_ERR_NO_ERROR else {
                        throw KafkaError(rdkafka: code, message: "flush timed out with \(rd_kafka_outq_len(handle.pointer)) outstanding")
                    }
                }
            } catch {
                outcome = .failure(error)
            }
            if case .failure(let error) = outcome {
                // The session was replaced while flushing: flush the one that holds the records now.
                if error.kind == .closed, current.withLock({ $0 !== session }) { continue }
                throw error
            }
            // Records handed to a session that replaced this one meanwhile are flushed too.
            if current.withLock({ $0 === session }) || registry.count == 0 { return }
        }
    }

    /// Flushes for up to `timeout`, fails whatever is left with ``KafkaError/Kind/closed``, and destroys
    /// the client. Every completion has run when this returns. Later calls return at once.
    public func shutdown(timeout: Duration = .seconds(30)) async {
        guard !shutDown.exchange(true, ordering: .acquiringAndReleasing), let session = current.withLock({ $0 }) else {
            if let session = current.withLock({ $0 }) { await session.worker.waitUntilStopped() }
            return
        }
        session.worker.stop(after: session.finalJob(timeout: timeout, logger: logger) { [registry] in
            registry.failAll(KafkaError.closed("the producer shut down before the record was acknowledged"))
        })
        await session.worker.waitUntilStopped()
    }

    /// Records and protocol requests librdkafka still holds (`rd_kafka_outq_len`); 0 once shut down.
    public var outstandingCount: Int {
        guard let session = current.withLock({ $0 }) else { return 0 }
        return (try? session.handle.withHandle { rk in Int(rd_kafka_outq_len(rk)) }) ?? 0
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
