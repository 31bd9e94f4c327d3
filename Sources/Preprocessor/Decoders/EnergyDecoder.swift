/// Energy meters on `factory/energy*`: power, per-phase voltages and currents (flattened to
/// `voltages.L1`...), power factor, frequency, energy total, grid status, efficiency.
public struct EnergyDecoder: TelemetryDecoder {
    public let name = "energy"
    let rules = FieldRules(deviceType: "energy", idFields: ["plc_id", "device_id"], kinds: [
        "power_consumption": .number, "voltages.L1": .number, "voltages.L2": .number, "voltages.L3": .number,
        "currents.L1": .number, "currents.L2": .number, "currents.L3": .number, "power_factor": .number,
        "frequency": .number, "energy_total": .number, "grid_status": .string, "efficiency": .number,
    ])

    public init() {}

    public func decode(_ input: DecoderInput) throws(Rejection) -> DecodedSample { try rules.decode(input) }
}
