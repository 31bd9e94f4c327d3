import CRdKafka
import Foundation

/// Owns one `rd_kafka_t` and the ``RDKafkaContext`` its callbacks use.
///
/// Callers outside the owning worker thread use the pointer only inside ``withHandle(_:)``;
/// ``closeAndWaitForUsers()`` then guarantees nobody does when the handle is destroyed.
final class RDKafkaHandle: @unchecked Sendable {
    let pointer: OpaquePointer
    let name: String
    private let context: RDKafkaContext
    private let gate = NSCondition()
    private var users = 0
    private var closed = false
    private var destroyed = false

    init(type: rd_kafka_type_t, properties: [(key: String, value: String)], context: RDKafkaContext) throws(KafkaError) {
        let conf = try RDKafkaConfig.make(properties, context: context)
        var error = RDKafkaErrorText()
        guard let rk = rd_kafka_new(type, conf, &error.buffer, error.buffer.count) else {
            rd_kafka_conf_destroy(conf)
            throw KafkaError(.configuration(key: "", reason: error.text), message: "rd_kafka_new failed: \(error.text)")
        }
        pointer = rk
        name = String(cString: rd_kafka_name(rk))
        self.context = context
    }

    /// Runs `body` with the live handle, or throws ``KafkaError/Kind/closed``.
    func withHandle<T>(_ body: (OpaquePointer) throws(KafkaError) -> T) throws(KafkaError) -> T {
        gate.lock()
        guard !closed else {
            gate.unlock()
            throw KafkaError.closed()
        }
        users += 1
        gate.unlock()
        defer {
            gate.lock()
            users -= 1
            if users == 0 { gate.broadcast() }
            gate.unlock()
        }
        return try body(pointer)
    }

    var isClosed: Bool { gate.withLock { closed } }

    /// Refuses new ``withHandle(_:)`` calls and waits for running ones. Blocks: call on a worker thread.
    func closeAndWaitForUsers() {
        gate.lock()
        closed = true
        while users > 0 { gate.wait() }
        gate.unlock()
    }

    /// Destroys the handle (once). Blocks while librdkafka stops its threads: call on a worker thread.
    func destroy() {
        closeAndWaitForUsers()
        let first = gate.withLock { () -> Bool in
            defer { destroyed = true }
            return !destroyed
        }
        if first { rd_kafka_destroy(pointer) }
    }

    deinit {
        if !destroyed { rd_kafka_destroy(pointer) }
    }
}
