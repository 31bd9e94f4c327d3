import SCADACore

/// What a detector says about one sample: whether its condition is present, how bad, and why.
public struct Condition: Sendable, Equatable {
    public var active: Bool
    public var severity: AlertRecord.Severity
    public var level: ConditionLevel
    public var value: Double
    public var threshold: Double

    public init(active: Bool, severity: AlertRecord.Severity = .warning, level: ConditionLevel = .none,
                value: Double = 0, threshold: Double = 0) {
        self.active = active
        self.severity = severity
        self.level = level
        self.value = value
        self.threshold = threshold
    }

    public static let absent = Condition(active: false)
}

/// The sub-level of a condition (kept as a small code in the hot path, named only on transitions).
public enum ConditionLevel: UInt8, Sendable {
    case none, lolo, lo, hi, hihi, rate, zscore, ewma, stuck, silent, offline, gap, outOfOrder, flag

    public var name: String? {
        switch self {
        case .none: nil
        case .lolo: "lolo"
        case .lo: "lo"
        case .hi: "hi"
        case .hihi: "hihi"
        case .rate: "rate"
        case .zscore: "zscore"
        case .ewma: "ewma"
        case .stuck: "stuck"
        case .silent: "silent"
        case .offline: "offline"
        case .gap: "seq_gap"
        case .outOfOrder: "out_of_order"
        case .flag: "flag"
        }
    }
}
