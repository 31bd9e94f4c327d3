/// Production-line PLCs on `factory/line{n}` (`plc_id`, counters, speeds, temperatures, alarm, status).
/// The line is taken from the topic (`factory/line2` → `line2`).
public struct ManufacturingDecoder: TelemetryDecoder {
    public let name = "manufacturing"
    let rules = FieldRules(deviceType: "manufacturing", idFields: ["plc_id", "device_id"], kinds: [
        "production_count": .number, "line_speed": .number, "temperature": .number, "pressure": .number,
        "vibration": .number, "quality_rate": .number, "alarm": .boolean, "status": .string,
    ])

    public init() {}

    public func decode(_ input: DecoderInput) throws(Rejection) -> DecodedSample {
        var sample = try rules.decode(input)
        let level = input.lastTopicLevel
        if level.hasPrefix("line") { sample.line = String(level) }
        return sample
    }
}
