/// The answer on `{device topic}/commands/ack` (see docs/payloads.md).
public struct CommandAck: Sendable, Equatable {
    public var commandID: String
    public var deviceID: String
    /// nil when accepted, the reason when rejected.
    public var rejection: String?
    public var timestampMs: Int64

    public init(commandID: String, deviceID: String, rejection: String?, timestampMs: Int64) {
        self.commandID = commandID
        self.deviceID = deviceID
        self.rejection = rejection
        self.timestampMs = timestampMs
    }

    public var accepted: Bool { rejection == nil }

    public var payload: [UInt8] {
        var fields: [Field] = [.string("command_id", commandID), .string("device_id", deviceID),
                               .string("result", accepted ? "accepted" : "rejected")]
        if let rejection { fields.append(.string("reason", rejection)) }
        fields.append(.integer("timestamp", timestampMs))
        return JSONWriter.encode(fields, capacity: 160)
    }
}
