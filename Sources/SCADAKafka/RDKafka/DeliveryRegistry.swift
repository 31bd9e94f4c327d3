import CRdKafka
import Synchronization

/// Completions of produced records that librdkafka has not reported on yet, keyed by the
/// per-message opaque (a counter, never a pointer), so that none can be leaked or run twice.
final class DeliveryRegistry: Sendable {
    typealias Completion = @Sendable (Result<KafkaDeliveryReport, KafkaError>) -> Void

    private struct Pending {
        var topic: String
        var completion: Completion
    }

    private struct State {
        var nextID: UInt = 1
        var pending: [UInt: Pending] = [:]
    }

    private let state = Mutex(State())

    func register(topic: String, _ completion: @escaping Completion) -> UInt {
        state.withLock { state in
            let id = state.nextID
            state.nextID &+= 1
            if state.nextID == 0 { state.nextID = 1 }
            state.pending[id] = Pending(topic: topic, completion: completion)
            return id
        }
    }

    /// Forgets a completion whose record librdkafka refused.
    func cancel(_ id: UInt) {
        _ = state.withLock { $0.pending.removeValue(forKey: id) }
    }

    /// Runs the completion of a delivery report (called on the poll thread).
    func deliver(_ message: UnsafePointer<rd_kafka_message_t>) {
        let raw = message.pointee
        let id = UInt(bitPattern: raw._private)
        guard let pending = state.withLock({ $0.pending.removeValue(forKey: id) }) else { return }
        if raw.err == RD_KAFKA_RESP_ERR_NO_ERROR {
            pending.completion(.success(KafkaDeliveryReport(topic: pending.topic, partition: raw.partition, offset: raw.offset)))
        } else {
            pending.completion(.failure(KafkaError(rdkafka: raw.err)))
        }
    }

    /// Fails every remaining completion with `error`.
    func failAll(_ error: KafkaError) {
        let remaining = state.withLock { state in
            defer { state.pending = [:] }
            return Array(state.pending.values)
        }
        remaining.forEach { $0.completion(.failure(error)) }
    }

    var count: Int { state.withLock { $0.pending.count } }
}
