import Logging
import SCADAMQTT
import Synchronization

/// Replicas that share the load (`$share/<group>/...`, persistent sessions) take over the session of a replica
/// that died. mosquitto goes on giving a dead member's session its share of the group's messages and queues them
/// there until the member comes back; if it never does (killed and not restarted, a node lost), those messages
/// would wait for days. So every replica announces itself on `scada/services/preprocessor/<group>/<client id>`
/// (retained `online`, last will `offline`, `left` on a graceful stop, which leaves the group itself), and when a
/// peer has been `offline` for ``grace``, the first live replica by client id connects with the peer's client id,
/// unsubscribes the group's filters (the broker stops routing to that session), passes everything queued there to
/// Kafka like its own messages (acknowledged after Kafka), and deletes the session. A peer that comes back in the
/// meantime keeps its session: adoption stops as soon as it is `online` again.
struct PeerTakeover: Sendable {
    static let presencePrefix = "scada/services/preprocessor/"

    let selfID: String
    let group: String
    /// The group's filters, as the peers subscribed them.
    let filters: [String]
    /// The replica's own MQTT settings (broker, credentials, TLS, buffers); client id and session are replaced.
    let base: MQTTConfiguration
    let grace: Duration
    let quiet: Duration
    let bridge: Bridge
    let metrics: PreprocessorMetrics
    let logger: Logger

    static func presenceTopic(group: String, clientID: String) -> String { presencePrefix + group + "/" + clientID }

    /// Whether `clientID` can be a topic level (no wildcards or separators).
    static func canAnnounce(_ clientID: String) -> Bool {
        !clientID.isEmpty && !clientID.contains(where: { $0 == "/" || $0 == "+" || $0 == "#" })
    }

    /// Watches the peers until cancelled, adopting the sessions of those that died.
    func run() async {
        var watcherConfiguration = base
        watcherConfiguration.clientID = selfID + "-peers"
        watcherConfiguration.cleanSession = true
        watcherConfiguration.will = nil
        watcherConfiguration.acknowledgement = .onReceipt
        watcherConfiguration.receiveBufferCapacity = 1_000
        guard let watcher = try? MQTTClient(configuration: watcherConfiguration, logger: logger) else { return }
        let peers = PeerBook()
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.record(watcher.messages, into: peers) }
            group.addTask {
                await self.watch(watcher, peers: peers)
                await watcher.disconnect()
            }
        }
    }

    private func record(_ messages: MQTTMessages, into peers: PeerBook) async {
        while true {
            let batch = await messages.nextBatch(max: 100)
            if batch.isEmpty { return }
            for message in batch {
                let id = String(message.topic.dropFirst(Self.presencePrefix.count + group.count + 1))
                guard Self.canAnnounce(id) else { continue }
                peers.set(id, state: String(decoding: message.payload, as: UTF8.self), at: .now)
            }
        }
    }

    /// Connects the watcher, then once a second adopts every peer offline for longer than the grace period
    /// whose adopter this replica is.
    private func watch(_ watcher: MQTTClient, peers: PeerBook) async {
        while !Task.isCancelled {
            do {
                try await watcher.connect()
                try await watcher.subscribe(Self.presencePrefix + group + "/+", qos: .atLeastOnce)
                break
            } catch {
                try? await Task.sleep(for: .seconds(1))
            }
        }
        while !Task.isCancelled {
            for peer in peers.offline(longerThan: grace) where peer != selfID && peers.adopter(for: peer, me: selfID) == selfID {
                logger.warning("peer replica offline: taking over its session", metadata: ["peer": "\(peer)", "group": "\(group)"])
                let taken = await adopt(peer, peers: peers)
                if taken {
                    // Forget the peer: its session is gone, nothing is left to take over.
                    try? await watcher.publish(topic: Self.presenceTopic(group: group, clientID: peer), payload: [], retain: true)
                    peers.remove(peer)
                }
            }
            try? await Task.sleep(for: .seconds(1))
        }
    }

    /// Connects as `peer`, leaves the group for it, passes on what its session held, and deletes the session.
    /// Returns false when the peer came back (or the broker could not be reached) before the end.
    func adopt(_ peer: String, peers: PeerBook) async -> Bool {
        var configuration = base
        configuration.clientID = peer
        configuration.cleanSession = false
        configuration.will = nil
        guard let client = try? MQTTClient(configuration: configuration, logger: logger) else { return false }
        let intake = IntakeClock()
        let interrupted = Flag()
        let adopted = metrics.takeoverMessages
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                await bridge.run(client) { count in
                    intake.touch()
                    adopted.increment(by: Int64(count))
                }
            }
            group.addTask {
                // The session's owner taking it back (or any loss of the connection) ends the adoption.
                for await event in client.events {
                    guard case .disconnected(let reason) = event else { continue }
                    if reason != "disconnected by the client" { interrupted.set() }
                    break
                }
            }
            do {
                try await client.connect()
                intake.touch()
                for filter in filters { try await client.unsubscribe(filter) }
                logger.info("left the group for the dead peer; draining its session", metadata: ["peer": "\(peer)"])
                // The broker sends what the session queued at once; quiet for `quiet` means it has all been read.
                while !Task.isCancelled, !interrupted.isSet, !peers.isOnline(peer) {
                    if intake.idle >= quiet && client.bufferedMessageCount == 0 { break }
                    try? await Task.sleep(for: .milliseconds(100))
                }
            } catch {
                logger.warning("could not take over the peer's session", metadata: ["peer": "\(peer)", "error": "\(error)"])
                interrupted.set()
            }
            // Graceful: every message handed to Kafka is acknowledged before DISCONNECT; the bridge then ends.
            logger.info("the dead peer's session is drained; disconnecting", metadata: ["peer": "\(peer)"])
            await client.disconnect()
            await group.waitForAll()
        }
        guard !interrupted.isSet, !peers.isOnline(peer), !Task.isCancelled else { return false }
        // A clean connection with the peer's id deletes the (now empty) session.
        var wipe = base
        wipe.clientID = peer
        wipe.cleanSession = true
        wipe.will = nil
        if let cleaner = try? MQTTClient(configuration: wipe, logger: logger) {
            try? await cleaner.connect()
            await cleaner.disconnect()
        }
        metrics.takeovers.increment()
        logger.warning("took over the session of a dead peer replica", metadata: ["peer": "\(peer)"])
        return true
    }
}

/// The peers' announced states, as the watcher saw them.
final class PeerBook: Sendable {
    private struct Entry { var state: String; var since: ContinuousClock.Instant }
    private let entries = Mutex<[String: Entry]>([:])

    func set(_ id: String, state: String, at instant: ContinuousClock.Instant) {
        entries.withLock { entries in
            if state.isEmpty {
                entries[id] = nil
            } else if entries[id]?.state != state {
                entries[id] = Entry(state: state, since: instant)
            }
        }
    }

    func remove(_ id: String) { entries.withLock { $0[id] = nil } }

    func isOnline(_ id: String) -> Bool { entries.withLock { $0[id]?.state == "online" } }

    /// Peers whose last word is the broker's `offline` (their will), for longer than `grace`.
    func offline(longerThan grace: Duration) -> [String] {
        let now = ContinuousClock.now
        return entries.withLock { entries in
            entries.filter { $0.value.state == "offline" && now - $0.value.since >= grace }.keys.sorted()
        }
    }

    /// Who adopts `peer`: the first online replica by client id (this one counts as online).
    func adopter(for peer: String, me: String) -> String? {
        let online = entries.withLock { entries in entries.filter { $0.value.state == "online" }.keys }
        return (Array(online) + [me]).filter { $0 != peer }.min()
    }
}

/// A flag set once, from any task.
final class Flag: Sendable {
    private let value = Mutex(false)

    func set() { value.withLock { $0 = true } }

    var isSet: Bool { value.withLock { $0 } }
}

/// When the adopted session last delivered messages.
final class IntakeClock: Sendable {
    private let last = Mutex(ContinuousClock.now)

    func touch() { last.withLock { $0 = .now } }

    var idle: Duration { ContinuousClock.now - last.withLock { $0 } }
}
