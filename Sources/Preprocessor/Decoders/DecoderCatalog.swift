/// The built-in decoders by name, plus the configured custom ones.
public enum DecoderCatalog {
    public static let builtIn: [any TelemetryDecoder] = [
        ManufacturingDecoder(), EnergyDecoder(), EnvironmentDecoder(), CNCDecoder(), VehicleDecoder(),
        FishTankDecoder(), FishTankRangeDecoder(), GenericDecoder(),
    ]

    /// Built-in decoders and `custom` ones, keyed by name; a custom decoder may replace a built-in one.
    public static func decoders(custom: [CustomDecoderConfiguration]) -> [String: any TelemetryDecoder] {
        var byName: [String: any TelemetryDecoder] = [:]
        for decoder in builtIn { byName[decoder.name] = decoder }
        for entry in custom { byName[entry.name] = GenericDecoder(name: entry.name, rules: entry.rules) }
        return byName
    }
}
