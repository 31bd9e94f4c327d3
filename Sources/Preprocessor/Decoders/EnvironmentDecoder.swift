/// Environment monitors on `factory/environment*`: temperature, humidity, CO2, air quality
/// (`air_quality.index` metric, `air_quality.status` state), noise, comfort index.
public struct EnvironmentDecoder: TelemetryDecoder {
    public let name = "environment"
    let rules = FieldRules(deviceType: "environment", idFields: ["plc_id", "device_id"], kinds: [
        "temperature": .number, "humidity": .number, "co2_level": .number, "air_quality.index": .number,
        "air_quality.status": .string, "noise_level": .number, "comfort_index": .number,
    ])

    public init() {}

    public func decode(_ input: DecoderInput) throws(Rejection) -> DecodedSample { try rules.decode(input) }
}
