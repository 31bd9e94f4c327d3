import SCADACore

/// One rule of the rules file: which devices and metric it watches, with which detector, and how its
/// alarm behaves. Detector parameters sit next to the selection keys (see docs/anomaly-detector.md).
public struct RuleSpec: Codable, Sendable, Equatable {
    public enum Detector: String, Codable, Sendable, CaseIterable {
        case limits, rateOfChange = "rate_of_change", zscore, ewma, stuck, silence, seqGap = "seq_gap", flag

        /// Watches a numeric metric (needs `metric`).
        var readsMetric: Bool { [.limits, .rateOfChange, .zscore, .ewma, .stuck].contains(self) }
    }

    public var name: String
    public var description: String?
    public var enabled: Bool?
    public var detector: Detector
    // Selection
    public var deviceType: String?
    /// Device id pattern (`*` and `?` wildcards).
    public var devices: String?
    /// Metric name or pattern (`voltages.*`); numeric detectors.
    public var metric: String?
    /// State name (flag detector).
    public var state: String?
    // Alarm behaviour
    public var severity: AlertRecord.Severity?
    public var priority: Int?
    public var onDelaySeconds: Double?
    public var offDelaySeconds: Double?
    // limits
    public var lolo: Double?
    public var lo: Double?
    public var hi: Double?
    public var hihi: Double?
    public var deadband: Double?
    // rate_of_change
    public var maxRate: Double?
    public var windowSeconds: Double?
    // zscore / ewma
    public var threshold: Double?
    public var window: Int?
    public var warmup: Int?
    public var minDeviation: Double?
    public var lambda: Double?
    public var limit: Double?
    public var baselineWindow: Int?
    // stuck
    public var samples: Int?
    public var seconds: Double?
    public var epsilon: Double?
    public var minMagnitude: Double?
    // silence
    public var timeoutSeconds: Double?
    // seq_gap
    public var tolerance: Int?
    public var holdSeconds: Double?
    // flag
    public var equals: StateValue?
    public var notEquals: StateValue?

    public init(name: String, detector: Detector) {
        self.name = name
        self.detector = detector
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case name, description, enabled, detector, deviceType, devices, metric, state, severity, priority
        case onDelaySeconds, offDelaySeconds, lolo, lo, hi, hihi, deadband, maxRate, windowSeconds
        case threshold, window, warmup, minDeviation, lambda, limit, baselineWindow, samples, seconds, epsilon, minMagnitude
        case timeoutSeconds, tolerance, holdSeconds, equals, notEquals
    }

    /// What is wrong with the rule beyond its YAML types, if anything.
    public var problem: String? {
        if name.isEmpty { return "a rule needs a name" }
        if detector.readsMetric, metric?.isEmpty ?? true { return "detector \(detector.rawValue) needs 'metric'" }
        if (onDelaySeconds ?? 0) < 0 || (offDelaySeconds ?? 0) < 0 { return "delays must not be negative" }
        if let priority, !(1...4).contains(priority) { return "priority must be 1...4" }
        switch detector {
        case .limits:
            if [lolo, lo, hi, hihi].allSatisfy({ $0 == nil }) { return "limits needs at least one of lolo, lo, hi, hihi" }
            if let lo, let hi, lo >= hi { return "lo must be below hi" }
            if let hi, let hihi, hihi < hi { return "hihi must not be below hi" }
            if let lo, let lolo, lolo > lo { return "lolo must not be above lo" }
            if (deadband ?? 0) < 0 { return "deadband must not be negative" }
        case .rateOfChange:
            guard let maxRate, maxRate > 0 else { return "rate_of_change needs maxRate > 0" }
            if (windowSeconds ?? 1) <= 0 { return "windowSeconds must be positive" }
        case .zscore:
            if (threshold ?? 4) <= 0 || (window ?? 60) < 2 || (warmup ?? 30) < 2 { return "zscore needs threshold > 0, window >= 2, warmup >= 2" }
        case .ewma:
            let lambda = lambda ?? 0.2
            if !(lambda > 0 && lambda <= 1) || (limit ?? 5) <= 0 || (warmup ?? 60) < 2 || (baselineWindow ?? 3600) < 1 {
                return "ewma needs 0 < lambda <= 1, limit > 0, warmup >= 2, baselineWindow >= 1"
            }
        case .stuck:
            if (samples ?? 30) < 2 && (seconds ?? 0) <= 0 { return "stuck needs samples >= 2 or seconds > 0" }
            if (epsilon ?? 0) < 0 { return "epsilon must not be negative" }
        case .silence:
            if (timeoutSeconds ?? 30) <= 0 { return "silence needs timeoutSeconds > 0" }
        case .seqGap:
            if (tolerance ?? 0) < 0 || (holdSeconds ?? 30) <= 0 { return "seq_gap needs tolerance >= 0 and holdSeconds > 0" }
        case .flag:
            if state?.isEmpty ?? true { return "flag needs 'state'" }
            if equals == nil && notEquals == nil { return "flag needs 'equals' or 'notEquals'" }
        }
        return nil
    }
}
