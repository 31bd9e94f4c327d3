import Logging

/// An MQTT 3.1.1 / 5 client over libmosquitto.
///
/// A network thread of its own (over libmosquitto's `loop_read/write/misc`) does all socket work; after the
/// first ``connect()`` it reconnects by itself with capped exponential backoff and re-sends every subscription
/// after each reconnect. Publishes at QoS ≥ 1 complete when the broker acknowledges; a publish in flight when
/// the connection drops is re-sent after the reconnect and completes then (it fails with `.connectionLost`
/// only if ``disconnect()`` is called first).
///
/// End a client with ``disconnect()`` (or its alias ``shutdown()``): the network thread then writes the
/// acknowledgement of every message already read, sends DISCONNECT and ends. A client released without it
/// does the same in the background; releasing never blocks the releasing thread, wherever that is (even a
/// callback on the network thread).
public final class MQTTClient: Sendable {
    let connection: MQTTConnection

    /// The settings this client was made with.
    public var configuration: MQTTConfiguration { connection.configuration }

    /// Connection state changes, in order.
    public var events: AsyncStream<MQTTConnectionEvent> { connection.events }

    /// Received messages, in arrival order (single consumer).
    ///
    /// At-least-once note: libmosquitto acknowledges an incoming QoS 1 message (PUBACK) as soon as it has read
    /// it, before handing it to us. The receive buffer is bounded: while it is full the network thread reads
    /// nothing more (the broker, not this process, holds what we cannot take yet) but keeps the session alive.
    /// What sits in this buffer is lost only if the process dies.
    public var messages: MQTTMessages { MQTTMessages(buffer: connection.buffer) }

    public init(configuration: MQTTConfiguration, logger: Logger = Logger(label: "mqtt")) throws {
        connection = try MQTTConnection(configuration: configuration, logger: logger)
    }

    deinit {
        connection.release()
    }

    /// Whether the client currently has an accepted connection.
    public var isConnected: Bool { connection.isConnected }

    /// Messages waiting in the receive buffer.
    public var bufferedMessageCount: Int { connection.bufferedMessageCount }

    /// Connects and waits for the broker's CONNACK. Afterwards the client reconnects by itself.
    /// On a timeout the network thread keeps trying in the background.
    public func connect() async throws { try await connection.connect() }

    /// Graceful end: nothing more is read; the acknowledgement of every message already read is written,
    /// then DISCONNECT (the broker does not publish the will); `messages` ends after the messages already
    /// received. A restart with the same persistent session then gets neither a duplicate nor a gap.
    public func disconnect() async { await connection.disconnect() }

    /// Tells the client that a received message is processed (handed on, stored, or refused for good):
    /// with ``MQTTAcknowledgement/afterProcessing`` its acknowledgement may go to the broker once every
    /// message read before it is processed too. Order does not matter; each message once. Does nothing
    /// with ``MQTTAcknowledgement/onReceipt``. Safe from any thread.
    public func acknowledge(_ message: MQTTMessage) { connection.acknowledge(message.receipt) }

    /// ``acknowledge(_:)-(MQTTMessage)`` for a receipt kept without its message.
    public func acknowledge(_ receipt: MQTTReceipt) { connection.acknowledge(receipt) }

    /// The same as ``disconnect()``: ends the network thread, which holds the connection until then.
    public func shutdown() async { await connection.disconnect() }

    /// Closes the socket without DISCONNECT, as a crash or a cable pull would: the broker publishes
    /// the will and the client reconnects. For tests and fault drills.
    public func simulateConnectionDrop() { connection.simulateConnectionDrop() }

    /// Subscribes to `filter` (wildcards `+`/`#` and MQTT 5 shared subscriptions `$share/GROUP/filter`)
    /// and waits for SUBACK. The subscription is re-sent after every reconnect.
    ///
    /// While the receive buffer is full nothing is read, SUBACKs included: consume ``messages`` concurrently
    /// (a resumed persistent session gets its backlog at once; it also keeps its subscriptions, so it
    /// need not subscribe again).
    public func subscribe(_ filter: String, qos: MQTTQoS = .atLeastOnce) async throws {
        try await connection.subscribe([(filter: filter, qos: qos)])
    }

    /// Subscribes to several filters, each waiting for its SUBACK.
    public func subscribe(_ subscriptions: [(filter: String, qos: MQTTQoS)]) async throws {
        try await connection.subscribe(subscriptions)
    }

    /// Unsubscribes from `filter` and waits for UNSUBACK.
    public func unsubscribe(_ filter: String) async throws { try await connection.unsubscribe(filter) }

    /// Publishes `message`. QoS 0 completes when the packet is written; QoS 1/2 when the broker
    /// acknowledged it (PUBACK / PUBCOMP). Many publishes may be in flight at once.
    public func publish(_ message: MQTTMessage) async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            connection.publish(message) { continuation.resume(with: $0) }
        }
    }

    /// Publishes `payload` to `topic`.
    public func publish(topic: String, payload: [UInt8], qos: MQTTQoS = .atLeastOnce, retain: Bool = false) async throws {
        try await publish(MQTTMessage(topic: topic, payload: payload, qos: qos, retain: retain))
    }

    /// Hands `message` to the connection before returning, so messages handed over one after another leave
    /// in that order (unlike separate tasks each awaiting ``publish(_:)``); `completion` is called once, when
    /// the broker acknowledged it (QoS 1/2), when it was written (QoS 0), or when it failed.
    public func publish(_ message: MQTTMessage, completion: @escaping @Sendable (Result<Void, any Error>) -> Void) {
        connection.publish(message, completion: completion)
    }
}
