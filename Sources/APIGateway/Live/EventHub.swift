import Synchronization

/// One event of a live stream. `id` increases by one per event of its hub.
struct LiveEvent: Sendable {
    var id: Int64
    /// SSE event name, e.g. `alert`, `telemetry`.
    var name: String
    /// Filter key (the device id).
    var key: String
    /// The JSON payload.
    var data: [UInt8]
}

/// Fans events out to live clients, each with a bounded buffer: a client that falls `bufferCapacity` events
/// behind is dropped (its stream ends with ``Subscription/overflowed`` set) instead of growing memory.
/// Optionally keeps the last `replayCapacity` events so a reconnecting client (`Last-Event-ID`) gets what it missed.
///
/// Event ids are `<epoch>-<n>`: `epoch` names this gateway instance's log, so an id from another instance (or
/// before a restart) is recognised and answered with the whole retained log instead of a wrong slice.
final class EventHub: Sendable {
    enum Item: Sendable {
        case event(LiveEvent)
        case heartbeat
    }

    /// A client's view of the hub: what it missed, then the live stream.
    struct Subscription: Sendable {
        let id: Int
        let replay: [LiveEvent]
        let stream: AsyncStream<Item>
        let flags: Flags
    }

    final class Flags: Sendable {
        private let state = Mutex((overflowed: false, closedByServer: false))
        var overflowed: Bool { state.withLock { $0.overflowed } }
        var closedByServer: Bool { state.withLock { $0.closedByServer } }
        func markOverflowed() { state.withLock { $0.overflowed = true } }
        func markClosed() { state.withLock { $0.closedByServer = true } }
    }

    private struct Subscriber {
        var keys: Set<String>?
        var continuation: AsyncStream<Item>.Continuation
        var flags: Flags
    }

    private struct State {
        var nextID: Int64 = 1
        var replay: [LiveEvent] = []
        var replayStart = 0
        var subscribers: [Int: Subscriber] = [:]
        var nextSubscriber = 0
        var closed = false
    }

    let name: String
    let epoch: String
    let replayCapacity: Int
    let bufferCapacity: Int
    let maxClients: Int
    private let state = Mutex(State())

    init(name: String, epoch: String, replayCapacity: Int, bufferCapacity: Int, maxClients: Int) {
        self.name = name
        self.epoch = epoch
        self.replayCapacity = replayCapacity
        self.bufferCapacity = bufferCapacity
        self.maxClients = maxClients
    }

    func eventID(_ event: LiveEvent) -> String { "\(epoch)-\(event.id)" }

    var clientCount: Int { state.withLock { $0.subscribers.count } }

    /// Publishes an event to every subscriber whose filter matches; returns the number dropped as too slow.
    @discardableResult
    func publish(name eventName: String, key: String, data: [UInt8]) -> Int {
        var dropped: [Subscriber] = []
        state.withLock { state in
            let event = LiveEvent(id: state.nextID, name: eventName, key: key, data: data)
            state.nextID += 1
            if replayCapacity > 0 {
                if state.replay.count < replayCapacity {
                    state.replay.append(event)
                } else {
                    state.replay[state.replayStart] = event
                    state.replayStart = (state.replayStart + 1) % replayCapacity
                }
            }
            for (id, subscriber) in state.subscribers where subscriber.keys?.contains(key) ?? true {
                if case .dropped = subscriber.continuation.yield(.event(event)) {
                    state.subscribers[id] = nil
                    dropped.append(subscriber)
                }
            }
        }
        for subscriber in dropped {
            subscriber.flags.markOverflowed()
            subscriber.continuation.finish()
        }
        return dropped.count
    }

    /// A heartbeat to every subscriber (a full buffer simply skips it).
    func heartbeat() {
        state.withLock { state in
            for subscriber in state.subscribers.values { _ = subscriber.continuation.yield(.heartbeat) }
        }
    }

    /// Subscribes to events of `keys` (nil: all). With `lastEventID`, the retained events after it come first.
    /// nil when the hub has `maxClients` subscribers already (or is closed).
    func subscribe(keys: Set<String>?, lastEventID: String?) -> Subscription? {
        let (stream, continuation) = AsyncStream<Item>.makeStream(bufferingPolicy: .bufferingOldest(bufferCapacity))
        let flags = Flags()
        let result: (Int, [LiveEvent])? = state.withLock { state in
            guard !state.closed, state.subscribers.count < maxClients else { return nil }
            let id = state.nextSubscriber
            state.nextSubscriber += 1
            state.subscribers[id] = Subscriber(keys: keys, continuation: continuation, flags: flags)
            guard let lastEventID else { return (id, []) }
            let ordered = Array(state.replay[state.replayStart...] + state.replay[..<state.replayStart])
            let after = Self.sequence(of: lastEventID, epoch: epoch) ?? 0
            return (id, ordered.filter { $0.id > after && (keys?.contains($0.key) ?? true) })
        }
        guard let (id, replay) = result else {
            continuation.finish()
            return nil
        }
        continuation.onTermination = { [weak self] _ in self?.remove(id) }
        return Subscription(id: id, replay: replay, stream: stream, flags: flags)
    }

    private func remove(_ id: Int) {
        _ = state.withLock { $0.subscribers.removeValue(forKey: id) }
    }

    /// Ends every stream (graceful shutdown); new subscriptions are refused.
    func closeAll() {
        let subscribers = state.withLock { state in
            state.closed = true
            let all = Array(state.subscribers.values)
            state.subscribers.removeAll()
            return all
        }
        for subscriber in subscribers {
            subscriber.flags.markClosed()
            subscriber.continuation.finish()
        }
    }

    /// The sequence number of an id of this hub's epoch; nil for ids of another instance (replay everything).
    static func sequence(of id: String, epoch: String) -> Int64? {
        guard let dash = id.lastIndex(of: "-"), id[..<dash] == epoch else { return nil }
        return Int64(id[id.index(after: dash)...])
    }
}
