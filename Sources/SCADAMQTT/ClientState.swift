/// A subscription the client re-sends after every reconnect.
struct Subscription: Sendable, Equatable {
    var filter: String
    var qos: MQTTQoS
}

/// Called once with the outcome of a publish (on the network thread, or on the caller's when it fails at once).
typealias PublishCompletion = @Sendable (Result<Void, any Error>) -> Void

/// Mutable state of an `MQTTClient`, guarded by its mutex.
struct ClientState {
    var connected = false
    var loopStarted = false
    var userDisconnected = false
    var nextWaiterID = 0
    var connectWaiters: [Int: CheckedContinuation<Void, any Error>] = [:]
    /// Publishes waiting for their acknowledgement, by message id.
    var publishWaiters: [Int32: PublishCompletion] = [:]
    /// Acknowledgements that arrived before their waiter was registered (reason code).
    var earlyPublishAcks: [Int32: Int32] = [:]
    var subscribeWaiters: [Int32: CheckedContinuation<[Int32], any Error>] = [:]
    var earlySubscribeAcks: [Int32: [Int32]] = [:]
    var unsubscribeWaiters: [Int32: CheckedContinuation<Void, any Error>] = [:]
    var earlyUnsubscribeAcks: Set<Int32> = []
    var subscriptions: [Subscription] = []

    /// Every waiter, removed from the state so they can be failed outside the lock.
    struct Pending {
        var connects: [CheckedContinuation<Void, any Error>]
        var publishes: [PublishCompletion]
        var subscribes: [CheckedContinuation<[Int32], any Error>]
        var unsubscribes: [CheckedContinuation<Void, any Error>]

        func fail(_ error: MQTTError) {
            connects.forEach { $0.resume(throwing: error) }
            publishes.forEach { $0(.failure(error)) }
            subscribes.forEach { $0.resume(throwing: error) }
            unsubscribes.forEach { $0.resume(throwing: error) }
        }
    }

    mutating func takeAllPending() -> Pending {
        defer {
            connectWaiters.removeAll()
            publishWaiters.removeAll()
            subscribeWaiters.removeAll()
            unsubscribeWaiters.removeAll()
            earlyPublishAcks.removeAll()
            earlySubscribeAcks.removeAll()
            earlyUnsubscribeAcks.removeAll()
        }
        return Pending(connects: Array(connectWaiters.values), publishes: Array(publishWaiters.values),
                       subscribes: Array(subscribeWaiters.values), unsubscribes: Array(unsubscribeWaiters.values))
    }
}
