/// The fish tank's retained range data on `factory/fishtank/{id}/range`:
/// `{"device_id", "timestamp", "ranges": {"temperature": {"min", "max"}, ...}}`, recorded as metrics
/// `ranges.temperature.min`... with device type `fish_tank_range`, so alarms can follow the targets.
public struct FishTankRangeDecoder: TelemetryDecoder {
    public let name = "fish_tank_range"
    let rules = FieldRules(deviceType: "fish_tank_range", idFields: ["device_id", "tank_id"], payloadField: "ranges")

    public init() {}

    public func decode(_ input: DecoderInput) throws(Rejection) -> DecodedSample {
        var sample = try rules.decode(input)
        for index in sample.metrics.indices { sample.metrics[index].name = "ranges." + sample.metrics[index].name }
        if let bad = sample.states.first { throw Rejection(.wrongType, "'ranges.\(bad.name)' must be a number") }
        return sample
    }
}
