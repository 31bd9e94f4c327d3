/// A message on its way to the broker.
public struct OutgoingMessage: Sendable, Equatable {
    /// Position of the sending device in the fleet.
    public var device: Int
    public var topic: String
    public var payload: [UInt8]
    public var qos: Int
    public var retain: Bool
    /// The telemetry sequence number; nil for status, acks and range data, which are never queued offline.
    public var seq: Int64?

    public init(device: Int, topic: String, payload: [UInt8], qos: Int, retain: Bool = false, seq: Int64? = nil) {
        self.device = device
        self.topic = topic
        self.payload = payload
        self.qos = qos
        self.retain = retain
        self.seq = seq
    }

    public var isTelemetry: Bool { seq != nil }
}
