import Synchronization

/// Requests waiting for an answer that arrives on another path (a device's command ack over MQTT, an alarm's
/// new state over Kafka), keyed by request id. Register before sending, so an early answer is not missed.
final class Waiters<Value: Sendable>: Sendable {
    private let table = Mutex<[String: AsyncStream<Value>.Continuation]>([:])

    func register(_ key: String) -> AsyncStream<Value> {
        let (stream, continuation) = AsyncStream<Value>.makeStream(bufferingPolicy: .bufferingNewest(1))
        table.withLock { $0[key] = continuation }
        return stream
    }

    /// Hands `value` to the waiter of `key`, if any; true if there was one.
    @discardableResult
    func resolve(_ key: String, _ value: Value) -> Bool {
        guard let continuation = table.withLock({ $0.removeValue(forKey: key) }) else { return false }
        continuation.yield(value)
        continuation.finish()
        return true
    }

    func remove(_ key: String) {
        table.withLock { $0.removeValue(forKey: key) }?.finish()
    }

    var pending: Int { table.withLock { $0.count } }

    /// The first value of `stream`, or nil after `timeout`.
    static func first(of stream: AsyncStream<Value>, within timeout: Duration) async -> Value? {
        await withTaskGroup(of: Value?.self) { group in
            group.addTask {
                for await value in stream { return value }
                return nil
            }
            group.addTask {
                try? await Task.sleep(for: timeout)
                return nil
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first
        }
    }
}
