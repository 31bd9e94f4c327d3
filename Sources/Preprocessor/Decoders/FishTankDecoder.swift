/// Fish tanks on `factory/fishtank/{id}`: water temperature, pH, dissolved oxygen, ammonia, water
/// level (metrics), heater on/off and controller mode (states).
public struct FishTankDecoder: TelemetryDecoder {
    public let name = "fish_tank"
    let rules = FieldRules(deviceType: "fish_tank", idFields: ["device_id", "tank_id"], kinds: [
        "temperature": .number, "ph": .number, "dissolved_oxygen": .number, "ammonia": .number,
        "water_level": .number, "heater": .boolean, "controller": .string,
    ])

    public init() {}

    public func decode(_ input: DecoderInput) throws(Rejection) -> DecodedSample { try rules.decode(input) }
}
