/// Any JSON object with a device id (`device_id`, `plc_id`, `id`) and a timestamp: numbers become
/// metrics, booleans and strings states. The fallback for `factory/#` topics no other decoder claims.
public struct GenericDecoder: TelemetryDecoder {
    public let name: String
    let rules: FieldRules

    public init(name: String = "generic", rules: FieldRules? = nil) {
        self.name = name
        self.rules = rules ?? FieldRules(deviceType: name, idFields: ["device_id", "plc_id", "id"])
    }

    public func decode(_ input: DecoderInput) throws(Rejection) -> DecodedSample { try rules.decode(input) }
}
