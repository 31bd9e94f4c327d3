/// CNC machines: the envelope `{"cnc_id", "part_program", "timestamp", "seq", "payload": {...}}`,
/// whose `payload` holds the machine's own variables (any names; `spin` and `X-Axis` as sent).
/// Envelope strings such as `part_program` become tags.
public struct CNCDecoder: TelemetryDecoder {
    public let name = "cnc"
    let rules = FieldRules(deviceType: "cnc", idFields: ["cnc_id"], payloadField: "payload", kinds: [
        "status": .string, "spindle_speed": .number, "spin": .number, "X-Axis": .number, "Y-Axis": .number,
        "Z-Axis": .number, "feed_rate": .number, "spindle_load": .number, "tool_number": .number, "part_count": .number,
    ])

    public init() {}

    public func decode(_ input: DecoderInput) throws(Rejection) -> DecodedSample { try rules.decode(input) }
}
