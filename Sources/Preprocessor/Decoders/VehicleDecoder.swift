/// Vehicles on `factory/vehicles/{id}`: speed in km/h (0-120), target speed, acceleration.
public struct VehicleDecoder: TelemetryDecoder {
    public let name = "vehicle"
    let rules = FieldRules(deviceType: "vehicle", idFields: ["device_id", "vehicle_id"], kinds: [
        "speed": .number, "target_speed": .number, "acceleration": .number,
    ])

    public init() {}

    public func decode(_ input: DecoderInput) throws(Rejection) -> DecodedSample {
        let sample = try rules.decode(input)
        guard sample.metrics.contains(where: { $0.name == "speed" }) else {
            throw Rejection(.missingField, "'speed' is missing")
        }
        return sample
    }
}
