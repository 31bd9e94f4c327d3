/// Adds `magnitude` to a numeric field (0: as much again as the value, at least 10).
struct SpikeFault: FaultEffect {
    var magnitude: Double

    mutating func edit(fields: inout [Field], _ stage: FaultStage) {
        fields.updateNumber(at: stage.field) { value in value + (magnitude != 0 ? magnitude : max(10, abs(value))) }
    }
}
