/// Freezes a numeric field at the value it had when the episode started.
struct StuckFault: FaultEffect {
    private var frozen: Double?

    mutating func edit(fields: inout [Field], _ stage: FaultStage) {
        if let frozen {
            fields.updateNumber(at: stage.field) { _ in frozen }
        } else {
            frozen = fields.number(at: stage.field)
        }
    }

    mutating func episodeEnded() { frozen = nil }
}
