import Foundation
import Logging

/// Gets telemetry to the broker, in order per device, through outages.
///
/// A device publishes directly while its connection is up and it has nothing queued. Otherwise
/// (connection down, too many publishes in flight, or a publish failed) its messages go to the
/// on-disk queue and the device is *backlogged*: everything it sends goes through the queue until
/// a drain, started when the connection is back, has re-sent the queue in sequence order.
public actor Outbox {
    struct DeviceState {
        let id: String
        let link: Int
        var backlogged: Bool
    }

    private let connections: [any SimulatorConnection]
    private var devices: [DeviceState]
    /// Fleet positions of each connection's devices.
    private let linkDevices: [[Int]]
    /// Backlogged devices per connection (so a tick does not scan the fleet).
    private var backlogCount: [Int]
    private let store: StateStore?
    private let metrics: SimulatorMetrics
    private let logger: Logger
    private let maxInFlight: Int
    private var inFlight: [Int]
    /// Telemetry in flight by token, so a shutdown can queue what the broker never acknowledged.
    private var unacknowledged: [Int: OutgoingMessage] = [:]
    private var nextToken = 0
    private var draining: [Bool]
    private var retryDrainAt: [ContinuousClock.Instant]
    private var closed = false
    /// Drops not yet reported in the log (reported at most every 10 s while an outage lasts).
    private var unreportedDrops = 0
    private var lastDropReport = ContinuousClock.now - .seconds(60)
    private let pageSize = 200
    private let concurrentDrains = 32

    /// - Parameters:
    ///   - deviceLinks: for each device (fleet order), its id and the index of its connection.
    ///   - store: the offline queue; nil turns store-and-forward off (failed publishes are counted and lost).
    public init(connections: [any SimulatorConnection], deviceLinks: [(id: String, link: Int)], store: StateStore?,
                metrics: SimulatorMetrics, logger: Logger, maxInFlightPerConnection: Int = 1000) {
        self.connections = connections
        let backlog = Set(store?.backloggedDevices ?? [])
        devices = deviceLinks.map { DeviceState(id: $0.id, link: $0.link, backlogged: backlog.contains($0.id)) }
        var perLink = Array(repeating: [Int](), count: connections.count)
        var counts = Array(repeating: 0, count: connections.count)
        for (index, device) in devices.enumerated() where connections.indices.contains(device.link) {
            perLink[device.link].append(index)
            if device.backlogged { counts[device.link] += 1 }
        }
        linkDevices = perLink
        backlogCount = counts
        self.store = store
        self.metrics = metrics
        self.logger = logger
        maxInFlight = max(1, maxInFlightPerConnection)
        inFlight = Array(repeating: 0, count: connections.count)
        draining = Array(repeating: false, count: connections.count)
        retryDrainAt = Array(repeating: .now, count: connections.count)
        metrics.queueDepth.record(store?.totalDepth ?? 0)
    }

    /// Telemetry from one scheduler tick.
    public func submit(_ batch: [OutgoingMessage]) {
        guard !closed else { return }
        var toQueue: [(deviceID: String, message: OutgoingMessage)] = []
        for message in batch {
            let device = devices[message.device]
            let link = device.link
            let mustQueue = device.backlogged || !connections[link].isConnected || inFlight[link] >= maxInFlight
            if message.isTelemetry, store != nil, mustQueue {
                toQueue.append((device.id, message))
                setBacklogged(message.device, true)
            } else {
                send(message, link: link)
            }
        }
        enqueue(toQueue)
        startDrains()
    }

    /// Status, acks and range data: sent now if the connection is up, never queued
    /// (they are re-sent on every connect anyway).
    public func sendControl(_ messages: [OutgoingMessage]) {
        for message in messages {
            let link = devices[message.device].link
            guard connections[link].isConnected else { continue }
            send(message, link: link)
        }
    }

    /// Sends directly on a given connection (gateway status in shared mode).
    public func sendControl(_ message: OutgoingMessage, onConnection link: Int) {
        guard connections.indices.contains(link), connections[link].isConnected else { return }
        send(message, link: link)
    }

    /// A connection came (back) up: start re-sending its devices' queues.
    public func connectionUp(_ link: Int) {
        retryDrainAt[link] = .now
        startDrains()
    }

    /// Devices with messages waiting in the queue.
    public var backloggedDeviceCount: Int { backlogCount.reduce(0, +) }

    /// Stops publishing; telemetry still unacknowledged after `grace` is queued for the next run.
    public func close(grace: Duration = .seconds(2)) async {
        closed = true
        let deadline = ContinuousClock.now + grace
        while !unacknowledged.isEmpty, ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(20))
        }
        let leftovers = unacknowledged.values.sorted { ($0.seq ?? 0) < ($1.seq ?? 0) }
            .map { (deviceID: devices[$0.device].id, message: $0) }
        unacknowledged.removeAll()
        enqueue(leftovers)
    }

    // MARK: Sending

    private func send(_ message: OutgoingMessage, link: Int) {
        inFlight[link] += 1
        let token = nextToken
        nextToken &+= 1
        if message.isTelemetry {
            unacknowledged[token] = message
            metrics.published.increment()
        }
        // Handed over now, in the order of the calls, so a device's messages leave in sequence order.
        connections[link].send(topic: message.topic, payload: message.payload, qos: message.qos, retain: message.retain) { error in
            Task { await self.finished(token, message, link: link, error: error) }
        }
    }

    private func finished(_ token: Int, _ message: OutgoingMessage, link: Int, error: (any Error)?) {
        inFlight[link] -= 1
        let wasPending = unacknowledged.removeValue(forKey: token) != nil
        guard message.isTelemetry else {
            if let error { logger.debug("control message not sent", metadata: ["topic": "\(message.topic)", "error": "\(error)"]) }
            return
        }
        guard let error else {
            metrics.acknowledged.increment()
            return
        }
        metrics.failed.increment()
        logger.debug("publish failed", metadata: ["topic": "\(message.topic)", "seq": "\(message.seq ?? 0)", "error": "\(error)"])
        guard store != nil, wasPending else { return }
        enqueue([(devices[message.device].id, message)])
        setBacklogged(message.device, true)
        retryDrainAt[link] = .now + .milliseconds(200)
    }

    private func enqueue(_ messages: [(deviceID: String, message: OutgoingMessage)]) {
        guard let store, !messages.isEmpty else { return }
        do {
            let dropped = try store.enqueue(messages)
            metrics.queued.increment(by: messages.count)
            if dropped > 0 {
                metrics.droppedFromQueue.increment(by: dropped)
                unreportedDrops += dropped
                if ContinuousClock.now - lastDropReport >= .seconds(10) {
                    logger.warning("offline queue full: dropped oldest messages",
                                   metadata: ["dropped": "\(unreportedDrops)", "capacity_per_device": "\(store.capacity)"])
                    unreportedDrops = 0
                    lastDropReport = .now
                }
            }
        } catch {
            metrics.droppedFromQueue.increment(by: messages.count)
            logger.error("cannot write the offline queue; messages lost", metadata: ["count": "\(messages.count)", "error": "\(error)"])
        }
        metrics.queueDepth.record(store.totalDepth)
    }

    private func setBacklogged(_ index: Int, _ backlogged: Bool) {
        guard devices[index].backlogged != backlogged else { return }
        devices[index].backlogged = backlogged
        backlogCount[devices[index].link] += backlogged ? 1 : -1
    }

    // MARK: Draining

    private func startDrains() {
        guard !closed, store != nil else { return }
        let now = ContinuousClock.now
        for link in connections.indices where backlogCount[link] > 0 && !draining[link] && now >= retryDrainAt[link] {
            guard connections[link].isConnected else { continue }
            draining[link] = true
            Task { await self.drain(link) }
        }
    }

    private func drain(_ link: Int) async {
        defer { draining[link] = false }
        while !closed, connections[link].isConnected {
            let pending = linkDevices[link].filter { devices[$0].backlogged }
            guard !pending.isEmpty else { return }
            var failed = false
            for chunk in stride(from: 0, to: pending.count, by: concurrentDrains) {
                let slice = pending[chunk..<min(pending.count, chunk + concurrentDrains)]
                let results = await withTaskGroup(of: Bool.self, returning: [Bool].self) { group in
                    for device in slice { group.addTask { await self.drainDevice(device) } }
                    var results: [Bool] = []
                    for await result in group { results.append(result) }
                    return results
                }
                if results.contains(false) { failed = true }
            }
            if failed {
                retryDrainAt[link] = .now + .seconds(1)
                return
            }
        }
    }

    /// Re-sends one device's queue in sequence order, one acknowledged message at a time;
    /// false when a publish failed (the rest stays queued).
    private func drainDevice(_ index: Int) async -> Bool {
        guard let store else { return true }
        let deviceID = devices[index].id
        let connection = connections[devices[index].link]
        while !closed {
            let page: [StateStore.QueuedMessage]
            do {
                page = try store.peek(deviceID: deviceID, limit: pageSize)
            } catch {
                logger.error("cannot read the offline queue", metadata: ["device": "\(deviceID)", "error": "\(error)"])
                return false
            }
            if page.isEmpty {
                if store.depth(deviceID: deviceID) == 0 { setBacklogged(index, false) }
                return true
            }
            var lastSent: Int64?
            var ok = true
            for message in page {
                metrics.published.increment()
                do {
                    try await connection.publish(topic: message.topic, payload: message.payload, qos: message.qos, retain: false)
                    metrics.acknowledged.increment()
                    lastSent = message.seq
                } catch {
                    metrics.failed.increment()
                    ok = false
                    break
                }
            }
            if let lastSent { try? store.remove(deviceID: deviceID, through: lastSent) }
            metrics.queueDepth.record(store.totalDepth)
            if !ok { return false }
        }
        return true
    }
}
