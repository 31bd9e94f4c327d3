/// MQTT delivery guarantee of a publish or subscription.
public enum MQTTQoS: Int, Sendable, Comparable {
    case atMostOnce = 0
    case atLeastOnce = 1
    case exactlyOnce = 2

    public static func < (lhs: MQTTQoS, rhs: MQTTQoS) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// The MQTT protocol version spoken to the broker.
public enum MQTTProtocolVersion: Sendable {
    case v311
    case v5
}

/// A message published or received.
public struct MQTTMessage: Sendable, Equatable {
    public var topic: String
    public var payload: [UInt8]
    public var qos: MQTTQoS
    public var retain: Bool
    /// For a received message: what ``MQTTClient/acknowledge(_:)`` takes once it is processed
    /// (``MQTTAcknowledgement/afterProcessing``). Not part of equality.
    public internal(set) var receipt: MQTTReceipt = .none

    public static func == (lhs: MQTTMessage, rhs: MQTTMessage) -> Bool {
        lhs.topic == rhs.topic && lhs.payload == rhs.payload && lhs.qos == rhs.qos && lhs.retain == rhs.retain
    }

    public init(topic: String, payload: [UInt8], qos: MQTTQoS = .atLeastOnce, retain: Bool = false) {
        self.topic = topic
        self.payload = payload
        self.qos = qos
        self.retain = retain
    }

    public init(topic: String, string: String, qos: MQTTQoS = .atLeastOnce, retain: Bool = false) {
        self.init(topic: topic, payload: Array(string.utf8), qos: qos, retain: retain)
    }

    /// The payload decoded as UTF-8 (invalid bytes replaced).
    public var payloadString: String { String(decoding: payload, as: UTF8.self) }
}

/// Connection state changes, in order.
public enum MQTTConnectionEvent: Sendable, Equatable {
    /// CONNACK accepted; `sessionPresent` tells whether the broker kept a persistent session.
    case connected(sessionPresent: Bool)
    /// The connection was lost (or closed); the client reconnects by itself unless `disconnect()` was called.
    case disconnected(reason: String)
}
