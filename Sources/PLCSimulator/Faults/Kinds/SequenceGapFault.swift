/// Skips `gap` sequence numbers, as if that many messages had been lost.
struct SequenceGapFault: FaultEffect {
    var gap: Int

    mutating func sequenceSkip(_ stage: FaultStage) -> Int { gap }
}
