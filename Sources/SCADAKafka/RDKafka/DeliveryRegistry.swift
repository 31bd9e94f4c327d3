import CRdKafka
import Dispatch
import Synchronization

/// Records handed to librdkafka and not reported on yet, with their completions, keyed by the
/// per-message opaque (a counter, never a pointer), so that none can be leaked or run twice.
///
/// Each entry remembers the producer session (librdkafka handle) that holds it: when a session is
/// replaced after a fatal error, its records move to the next one (``adopt(into:)``) and the old
/// handle's reports about them are ignored.
final class DeliveryRegistry: Sendable {
    typealias Completion = @Sendable (Result<KafkaDeliveryReport, KafkaError>) -> Void

    private struct Pending {
        var record: KafkaProducerRecord
        var session: UInt64
        var completion: Completion
        /// Monotonic ns after which a record refused for a missing topic or partition is failed, not re-sent.
        var resendUntil: UInt64
    }

    private struct State {
        var nextID: UInt = 1
        var pending: [UInt: Pending] = [:]
    }

    private let state = Mutex(State())

    func register(_ record: KafkaProducerRecord, session: UInt64, resendUntil: UInt64,
                  _ completion: @escaping Completion) -> UInt {
        state.withLock { state in
            let id = state.nextID
            state.nextID &+= 1
            if state.nextID == 0 { state.nextID = 1 }
            state.pending[id] = Pending(record: record, session: session, completion: completion, resendUntil: resendUntil)
            return id
        }
    }

    /// Forgets a completion whose record librdkafka refused.
    func cancel(_ id: UInt) {
        _ = state.withLock { $0.pending.removeValue(forKey: id) }
    }

    /// Runs the completion of a delivery report from `session`'s handle (called on its poll thread).
    /// A report about a record that has moved to a later session is ignored. A record refused because its
    /// topic or partition is missing (a broker that lost its topics, recreated meanwhile) is handed to `resend`
    /// (partitioned again) until its deadline; it completes only when `resend` returns false.
    func deliver(_ message: UnsafePointer<rd_kafka_message_t>, session: UInt64,
                 resend: (UInt, KafkaProducerRecord) -> Bool) {
        let raw = message.pointee
        let id = UInt(bitPattern: raw._private)
        let missingTopic = raw.err == RD_KAFKA_RESP_ERR__UNKNOWN_PARTITION || raw.err == RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC
            || raw.err == RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART
        if missingTopic, let entry = state.withLock({ $0.pending[id] }), entry.session == session,
           DispatchTime.now().uptimeNanoseconds < entry.resendUntil, resend(id, entry.record) {
            return
        }
        let pending = state.withLock { state -> Pending? in
            guard let entry = state.pending[id], entry.session == session else { return nil }
            return state.pending.removeValue(forKey: id)
        }
        guard let pending else { return }
        if raw.err == RD_KAFKA_RESP_ERR_NO_ERROR {
            pending.completion(.success(KafkaDeliveryReport(topic: pending.record.topic, partition: raw.partition, offset: raw.offset)))
        } else {
            pending.completion(.failure(KafkaError(rdkafka: raw.err)))
        }
    }

    /// Moves every record held by an earlier session to `session` and returns them in the order they were
    /// first enqueued (ids grow), so that they can be produced again in that order.
    func adopt(into session: UInt64) -> [(id: UInt, record: KafkaProducerRecord)] {
        state.withLock { state in
            var moved: [(id: UInt, record: KafkaProducerRecord)] = []
            for (id, entry) in state.pending where entry.session < session {
                state.pending[id]?.session = session
                moved.append((id, entry.record))
            }
            return moved.sorted { $0.id < $1.id }
        }
    }

    /// Fails the completion of `id` with `error` (a record that could not be produced again).
    func fail(_ id: UInt, _ error: KafkaError) {
        state.withLock { $0.pending.removeValue(forKey: id) }?.completion(.failure(error))
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
