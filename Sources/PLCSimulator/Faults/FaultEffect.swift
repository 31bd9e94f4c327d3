/// A message on its way out, as faults see it at each stage.
public struct FaultStage: Sendable {
    /// Dotted path of the field the fault edits.
    public var field: String
    /// Wall-clock seconds since the simulator started.
    public var now: Double
    /// When the current episode of the fault started (same clock).
    public var episodeStart: Double
}

/// What one fault kind does to a message. Each hook defaults to doing nothing; a kind implements
/// the stage it acts on: before the message is built (silence it, skip sequence numbers), on its
/// fields (numbers), or on the encoded bytes.
public protocol FaultEffect: Sendable {
    /// Return true to silence this message (nothing sent, no sequence number used).
    mutating func suppresses(_ stage: FaultStage) -> Bool
    /// Sequence numbers to skip before this message.
    mutating func sequenceSkip(_ stage: FaultStage) -> Int
    mutating func edit(fields: inout [Field], _ stage: FaultStage)
    mutating func edit(payload: inout [UInt8], _ stage: FaultStage)
    /// Called when an episode ends, to reset per-episode state.
    mutating func episodeEnded()
}

extension FaultEffect {
    public mutating func suppresses(_ stage: FaultStage) -> Bool { false }
    public mutating func sequenceSkip(_ stage: FaultStage) -> Int { 0 }
    public mutating func edit(fields: inout [Field], _ stage: FaultStage) {}
    public mutating func edit(payload: inout [UInt8], _ stage: FaultStage) {}
    public mutating func episodeEnded() {}
}

extension FaultKind {
    /// A fresh effect for a spec of this kind.
    func makeEffect(_ spec: FaultSpec) -> any FaultEffect {
        switch self {
        case .spike: return SpikeFault(magnitude: spec.magnitude)
        case .drift: return DriftFault(ratePerSecond: spec.rate)
        case .stuck: return StuckFault()
        case .dropout: return DropoutFault()
        case .seqGap: return SequenceGapFault(gap: spec.gap)
        case .malformed: return MalformedFault()
        case .oversize: return OversizeFault(size: spec.size)
        }
    }
}
