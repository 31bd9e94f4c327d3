import SCADACore

/// A rule ready for the hot path: parsed patterns, delays in ms, and a fresh detector to copy per slot.
public final class CompiledRule: Sendable {
    public let spec: RuleSpec
    public let detector: DetectorState
    public let deviceType: String?
    public let devices: GlobPattern?
    /// Metric (numeric detectors) or state (flag) pattern.
    public let key: GlobPattern?
    public let onDelayMs: Int64
    public let offDelayMs: Int64
    public let priority: Int

    public init(_ spec: RuleSpec) {
        self.spec = spec
        detector = DetectorState(spec)
        deviceType = spec.deviceType
        devices = spec.devices.map(GlobPattern.init)
        key = (spec.detector == .flag ? spec.state : spec.metric).map(GlobPattern.init)
        onDelayMs = Int64((spec.onDelaySeconds ?? 0) * 1000)
        offDelayMs = Int64((spec.offDelaySeconds ?? 0) * 1000)
        priority = spec.priority ?? 3
    }

    /// Whether the rule selects this device.
    public func selects(deviceID: String, deviceType type: String) -> Bool {
        if let deviceType, deviceType != type { return false }
        if let devices, !devices.matches(deviceID) { return false }
        return true
    }
}

/// The compiled rules of one version of the rules file.
public final class CompiledRules: Sendable {
    public let rules: [CompiledRule]
    /// Bumped on every reload, so devices know to rebuild their slots.
    public let version: Int

    public init(_ set: RuleSet, version: Int) {
        rules = set.rules.filter { $0.enabled ?? true }.map(CompiledRule.init)
        self.version = version
    }
}

/// A detector's state, one case per plugin: a switch instead of an existential in the hot loop.
public enum DetectorState: Sendable {
    case limits(LimitsDetector)
    case rateOfChange(RateOfChangeDetector)
    case zscore(ZScoreDetector)
    case ewma(EWMADetector)
    case stuck(StuckDetector)
    case silence(SilenceDetector)
    case seqGap(SequenceGapDetector)
    case flag(FlagDetector)

    public init(_ spec: RuleSpec) {
        let severity = spec.severity ?? .warning
        switch spec.detector {
        case .limits:
            self = .limits(LimitsDetector(.init(lolo: spec.lolo, lo: spec.lo, hi: spec.hi, hihi: spec.hihi,
                                                deadband: spec.deadband ?? 0, severity: severity)))
        case .rateOfChange:
            self = .rateOfChange(RateOfChangeDetector(.init(maxRate: spec.maxRate ?? 1, windowSeconds: spec.windowSeconds ?? 1,
                                                            severity: severity)))
        case .zscore:
            self = .zscore(ZScoreDetector(.init(threshold: spec.threshold ?? 4, window: spec.window ?? 60, warmup: spec.warmup ?? 30,
                                                minDeviation: spec.minDeviation ?? 0, severity: severity)))
        case .ewma:
            self = .ewma(EWMADetector(.init(lambda: spec.lambda ?? 0.2, limit: spec.limit ?? 5, warmup: spec.warmup ?? 60,
                                            baselineWindow: spec.baselineWindow ?? 3600, minDeviation: spec.minDeviation ?? 0,
                                            severity: severity)))
        case .stuck:
            self = .stuck(StuckDetector(.init(samples: spec.samples ?? 30, seconds: spec.seconds ?? 0, epsilon: spec.epsilon ?? 0,
                                              minMagnitude: spec.minMagnitude ?? -1,
                                              severity: severity)))
        case .silence:
            self = .silence(SilenceDetector(.init(timeoutSeconds: spec.timeoutSeconds ?? 30, severity: severity)))
        case .seqGap:
            self = .seqGap(SequenceGapDetector(.init(tolerance: spec.tolerance ?? 0, holdSeconds: spec.holdSeconds ?? 30,
                                                     severity: severity)))
        case .flag:
            self = .flag(FlagDetector(.init(equals: spec.equals, notEquals: spec.notEquals, severity: severity)))
        }
    }

    /// Evaluates a numeric sample (numeric detectors only; others say absent).
    @inline(__always)
    public mutating func evaluate(_ value: Double, time: Int64) -> Condition {
        switch self {
        case .limits(var d): let c = d.evaluate(value); self = .limits(d); return c
        case .rateOfChange(var d): let c = d.evaluate(value, time: time); self = .rateOfChange(d); return c
        case .zscore(var d): let c = d.evaluate(value); self = .zscore(d); return c
        case .ewma(var d): let c = d.evaluate(value); self = .ewma(d); return c
        case .stuck(var d): let c = d.evaluate(value, time: time); self = .stuck(d); return c
        case .silence, .seqGap, .flag: return .absent
        }
    }
}
