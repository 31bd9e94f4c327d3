import SCADACore

/// Static limits LoLo / Lo / Hi / HiHi with a deadband: a level is entered when the value crosses its
/// limit and left only once the value is back past the limit by `deadband` (no chatter at a limit).
public struct LimitsDetector: Sendable {
    public final class Settings: Sendable {
        public let lolo: Double?
        public let lo: Double?
        public let hi: Double?
        public let hihi: Double?
        public let deadband: Double
        /// Severity of Lo/Hi; LoLo/HiHi are always critical.
        public let severity: AlertRecord.Severity

        public init(lolo: Double? = nil, lo: Double? = nil, hi: Double? = nil, hihi: Double? = nil, deadband: Double = 0,
                    severity: AlertRecord.Severity = .warning) {
            self.lolo = lolo
            self.lo = lo
            self.hi = hi
            self.hihi = hihi
            self.deadband = deadband
            self.severity = severity
        }
    }

    public let settings: Settings
    public private(set) var level: ConditionLevel = .none

    public init(_ settings: Settings) { self.settings = settings }

    public mutating func evaluate(_ value: Double) -> Condition {
        level = nextLevel(value)
        switch level {
        case .hihi: return Condition(active: true, severity: .critical, level: .hihi, value: value, threshold: settings.hihi ?? 0)
        case .hi: return Condition(active: true, severity: settings.severity, level: .hi, value: value, threshold: settings.hi ?? 0)
        case .lolo: return Condition(active: true, severity: .critical, level: .lolo, value: value, threshold: settings.lolo ?? 0)
        case .lo: return Condition(active: true, severity: settings.severity, level: .lo, value: value, threshold: settings.lo ?? 0)
        default: return Condition(active: false, value: value)
        }
    }

    /// The level for `value`, given the current level: entering needs the limit crossed, leaving the deadband too.
    private func nextLevel(_ value: Double) -> ConditionLevel {
        let band = settings.deadband
        func above(_ limit: Double?, holding: Bool) -> Bool {
            guard let limit else { return false }
            return holding ? value > limit - band : value > limit
        }
        func below(_ limit: Double?, holding: Bool) -> Bool {
            guard let limit else { return false }
            return holding ? value < limit + band : value < limit
        }
        if above(settings.hihi, holding: level == .hihi) { return .hihi }
        if above(settings.hi, holding: level == .hi || level == .hihi) { return .hi }
        if below(settings.lolo, holding: level == .lolo) { return .lolo }
        if below(settings.lo, holding: level == .lo || level == .lolo) { return .lo }
        return .none
    }
}
