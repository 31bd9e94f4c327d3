/// On-delay and off-delay against chatter: the detector's raw condition becomes "present" only after
/// it has held for `onDelay`, and "absent" only after it has been gone for `offDelay` (UTC ms of samples).
public struct DelayGate: Sendable, Equatable {
    public enum Edge: Sendable, Equatable { case none, raised, cleared }

    public private(set) var present = false
    private var pendingSince: Int64 = .min
    private var clearingSince: Int64 = .min

    public init(present: Bool = false) { self.present = present }

    /// Feeds the raw condition at `time`; returns the debounced edge, if any.
    public mutating func step(active: Bool, time: Int64, onDelayMs: Int64, offDelayMs: Int64) -> Edge {
        if active {
            clearingSince = .min
            guard !present else { return .none }
            if pendingSince == .min { pendingSince = time }
            guard time - pendingSince >= onDelayMs else { return .none }
            present = true
            pendingSince = .min
            return .raised
        }
        pendingSince = .min
        guard present else { return .none }
        if clearingSince == .min { clearingSince = time }
        guard time - clearingSince >= offDelayMs else { return .none }
        present = false
        clearingSince = .min
        return .cleared
    }

    /// Forgets any pending edge and sets the debounced state (after a restore or an unsuppress).
    public mutating func reset(present: Bool) {
        self = DelayGate(present: present)
    }
}
