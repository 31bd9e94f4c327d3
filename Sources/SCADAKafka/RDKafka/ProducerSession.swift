import CRdKafka
import Logging
import SCADAConcurrency
import Synchronization

/// One librdkafka producer handle with the thread that polls it. A ``KafkaProducer`` replaces its
/// session when librdkafka reports a fatal error (e.g. an idempotent producer whose id the broker no
/// longer knows after a restart): a handle in that state accepts nothing more.
final class ProducerSession: Sendable {
    let number: UInt64
    let handle: RDKafkaHandle
    let worker: BlockingWorker

    /// `onReport` runs after each delivery report; `onIdle` after each poll and `onFatal` after a fatal
    /// error, both on this session's poll thread, outside any librdkafka callback. `onRefused` is offered a
    /// record whose re-send librdkafka refused at once (its topic is still missing); true when it took it.
    init(number: UInt64, properties: [(key: String, value: String)], registry: DeliveryRegistry, logger: Logger,
         onReport: @escaping @Sendable () -> Void, onIdle: @escaping @Sendable (ProducerSession) -> Void,
         onRefused: @escaping @Sendable (UInt, KafkaProducerRecord) -> Bool,
         onFatal: @escaping @Sendable (ProducerSession) -> Void) throws(KafkaError) {
        let fatal = FatalRelay()
        let resender = WeakSession()
        let context = RDKafkaContext(logger: logger, onDelivery: { message in
            registry.deliver(message, session: number) { id, record in
                guard let session = resender.value else { return false }
                do { try session.produce(record, id: id) } catch { return onRefused(id, record) }
                return true
            }
            onReport()
        }, onError: { error in
            if error.code == RD_KAFKA_RESP_ERR__FATAL.rawValue { fatal.raise() }
        })
        let handle = try RDKafkaHandle(type: RD_KAFKA_PRODUCER, properties: properties, context: context)
        self.number = number
        self.handle = handle
        let idleSession = WeakSession()
        worker = BlockingWorker(name: "kafka-producer-\(handle.name)",
                                idle: {
                                    _ = rd_kafka_poll(handle.pointer, 100)
                                    if let session = idleSession.value { onIdle(session) }
                                },
                                wake: { rd_kafka_yield(handle.pointer) })
        idleSession.set(self)
        resender.set(self)
        // The error callback runs inside rd_kafka_poll on the worker: the replacement is queued as a job of
        // the same worker, so it runs once that poll has returned.
        let session = WeakSession()
        session.set(self)
        fatal.set { [worker] in
            worker.submit { if let failed = session.value { onFatal(failed) } }
        }
    }

    /// Whether a broker answers a metadata request within `timeout` (blocks: call on the poll thread).
    func brokerAnswers(timeout: Duration) -> Bool {
        (try? handle.withHandle { rk in
            var metadata: UnsafePointer<rd_kafka_metadata>?
            let code = rd_kafka_metadata(rk, 0, nil, &metadata, timeout.rdkafkaMilliseconds)
            if let metadata { rd_kafka_metadata_destroy(metadata) }
            return code == RD_KAFKA_RESP_ERR_NO_ERROR
        }) ?? false
    }

    /// Produces `record` under `id` (already registered), or throws.
    func produce(_ record: KafkaProducerRecord, id: UInt) throws(KafkaError) {
        try handle.withHandle { (rk) throws(KafkaError) in try RDKafkaProduce.produce(rk, record, opaque: id) }
    }

    /// The last job on the poll thread: flush for up to `timeout`, purge the rest, destroy the handle.
    func finalJob(timeout: Duration, logger: Logger, onDestroyed: @escaping @Sendable () -> Void) -> @Sendable () -> Void {
        return { [handle] in
            handle.closeAndWaitForUsers()
            let rk = handle.pointer
            if rd_kafka_flush(rk, timeout.rdkafkaMilliseconds) != RD_KAFKA_RESP_ERR_NO_ERROR {
                logger.warning("producer shutdown: \(rd_kafka_outq_len(rk)) records or requests not acknowledged in time, purging them")
                _ = rd_kafka_purge(rk, RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT)
                _ = rd_kafka_flush(rk, 1000)
            }
            handle.destroy()
            onDestroyed()
        }
    }
}

/// Carries librdkafka's fatal-error signal from the error callback to the session, which exists only
/// after the handle (and so the callback's context) has been created.
private final class FatalRelay: Sendable {
    private let action = Mutex<(@Sendable () -> Void)?>(nil)
    private let raised = Mutex(false)

    func set(_ body: @escaping @Sendable () -> Void) {
        let fire = action.withLock { current in
            current = body
            return raised.withLock { $0 }
        }
        if fire { body() }
    }

    func raise() {
        let first = raised.withLock { value in
            defer { value = true }
            return !value
        }
        guard first else { return }
        action.withLock { $0 }?()
    }
}

/// A weak reference that a `Sendable` closure can hold (the session must not keep itself alive).
private final class WeakSession: Sendable {
    private let reference = Mutex<Reference>(Reference())
    private struct Reference { weak var value: ProducerSession? }

    var value: ProducerSession? { reference.withLock { $0.value } }
    func set(_ session: ProducerSession) { reference.withLock { $0.value = session } }
}
