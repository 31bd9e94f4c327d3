/// Moves a numeric field away from the truth by `ratePerSecond` for every second the episode has run.
struct DriftFault: FaultEffect {
    var ratePerSecond: Double

    mutating func edit(fields: inout [Field], _ stage: FaultStage) {
        let offset = ratePerSecond * max(0, stage.now - stage.episodeStart)
        fields.updateNumber(at: stage.field) { $0 + offset }
    }
}
