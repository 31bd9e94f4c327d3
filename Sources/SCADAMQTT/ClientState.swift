/// A subscription the client re-sends after every reconnect.
struct Subscription: Sendable, Equatable {
    var filter: String
    var qos: MQTTQoS
}

/// Called once with the outcome of a publish (on the network thread, or on the caller's when it fails at once).
typealias PublishCompletion = @Sendable (Result<Void, any Error>) -> Void

/// Mutable state of an `MQTTConnection`, guarded by its mutex.
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
    /// subscribe() calls waiting for their SUBACK, by message id (with their filter, so that one whose
    /// connection dropped first is answered by the re-subscription after the reconnect).
    var subscribeWaiters: [Int32: (filter: String, continuation: CheckedContinuation<[Int32], any Error>)] = [:]
    var earlySubscribeAcks: [Int32: [Int32]] = [:]
    var unsubscribeWaiters: [Int32: CheckedContinuation<Void, any Error>] = [:]
    var earlyUnsubscribeAcks: Set<Int32> = []
    var subscriptions: [Subscription] = []
    /// Re-subscriptions sent after a reconnect whose SUBACK has not arrived, by message id, with the
    /// subscribe() calls they answer.
    var resubscriptions: [Int32: (filter: String, waiters: [CheckedContinuation<[Int32], any Error>])] = [:]

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

    /// A new connection: acknowledgements of the old one never come. Returns the subscribe() calls still
    /// waiting, by filter, for the re-subscriptions to answer.
    mutating func startConnection() -> [String: [CheckedContinuation<[Int32], any Error>]] {
        var waiting: [String: [CheckedContinuation<[Int32], any Error>]] = [:]
        for waiter in subscribeWaiters.values { waiting[waiter.filter, default: []].append(waiter.continuation) }
        for old in resubscriptions.values { waiting[old.filter, default: []] += old.waiters }
        subscribeWaiters.removeAll()
        resubscriptions.removeAll()
        // Early acknowledgements stay: each belongs to a call of this process that registers its waiter
        // right after its packet was queued (publishes are re-sent with their ids after a reconnect).
        return waiting
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
            resubscriptions.removeAll()
        }
        return Pending(connects: Array(connectWaiters.values), publishes: Array(publishWaiters.values),
                       subscribes: subscribeWaiters.values.map(\.continuation) + resubscriptions.values.flatMap(\.waiters),
                       unsubscribes: Array(unsubscribeWaiters.values))
    }
}
