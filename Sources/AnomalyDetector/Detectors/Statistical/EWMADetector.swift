import SCADACore

/// EWMA control chart for drift: a fast EWMA of the value (weight `lambda`) against a slow baseline
/// learnt during `warmup` samples and then following the signal only slowly (`baselineWindow` samples).
/// Raises when the EWMA is more than `limit` standard deviations of the EWMA from the baseline (and
/// more than `minDeviation` in absolute terms). Silent during warm-up.
public struct EWMADetector: Sendable {
    public final class Settings: Sendable {
        public let lambda: Double
        public let limit: Double
        public let warmup: Int
        public let baselineWindow: Int
        public let minDeviation: Double
        public let severity: AlertRecord.Severity

        public init(lambda: Double = 0.2, limit: Double = 5, warmup: Int = 60, baselineWindow: Int = 3600,
                    minDeviation: Double = 0, severity: AlertRecord.Severity = .warning) {
            self.lambda = lambda
            self.limit = limit
            self.warmup = warmup
            self.baselineWindow = baselineWindow
            self.minDeviation = minDeviation
            self.severity = severity
        }
    }

    public let settings: Settings
    private var ewma: Double = 0
    private var baseline: Double = 0
    private var variance: Double = 0
    private var count: Int32 = 0

    public init(_ settings: Settings) { self.settings = settings }

    public mutating func evaluate(_ value: Double) -> Condition {
        let lambda = settings.lambda
        guard count > 0 else {
            ewma = value
            baseline = value
            count = 1
            return Condition(active: false, value: value)
        }
        count = count < Int32.max ? count + 1 : count
        ewma += lambda * (value - ewma)
        let warm = Int(count) <= settings.warmup
        // Baseline and spread: a plain running average during warm-up, then a slow exponential one.
        let alpha = warm ? 1 / Double(count) : 1 / Double(max(settings.baselineWindow, 1))
        let residual = value - baseline
        baseline += alpha * residual
        variance = warm ? variance + (residual * residual - variance) / Double(count)
                        : (1 - alpha) * variance + alpha * min(residual * residual, 9 * max(variance, 1e-12))
        let sigma = (variance * lambda / (2 - lambda)).squareRoot()
        let deviation = ewma - baseline
        let threshold = settings.limit * sigma
        let active = !warm && abs(deviation) > threshold && abs(deviation) > settings.minDeviation
        return Condition(active: active, severity: settings.severity, level: active ? .ewma : .none, value: ewma,
                         threshold: baseline + (deviation >= 0 ? 1 : -1) * max(threshold, settings.minDeviation))
    }
}
