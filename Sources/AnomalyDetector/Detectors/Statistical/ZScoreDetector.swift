import SCADACore

/// Rolling z-score over an exponentially weighted window of about `window` samples: the sample's
/// distance from the running mean in running standard deviations. Silent for `warmup` samples.
/// Outliers enter the statistics clamped to the threshold, so one spike does not blind it.
public struct ZScoreDetector: Sendable {
    public final class Settings: Sendable {
        public let threshold: Double
        public let window: Int
        public let warmup: Int
        /// Deviations smaller than this never count (keeps a near-constant signal from alarming on rounding).
        public let minDeviation: Double
        public let severity: AlertRecord.Severity

        public init(threshold: Double = 4, window: Int = 60, warmup: Int = 30, minDeviation: Double = 0,
                    severity: AlertRecord.Severity = .warning) {
            self.threshold = threshold
            self.window = window
            self.warmup = warmup
            self.minDeviation = minDeviation
            self.severity = severity
        }
    }

    public let settings: Settings
    private var mean: Double = 0
    private var variance: Double = 0
    private var count: Int32 = 0

    public init(_ settings: Settings) { self.settings = settings }

    public mutating func evaluate(_ value: Double) -> Condition {
        let alpha = 2 / (Double(max(settings.window, 1)) + 1)
        guard count > 0 else {
            mean = value
            count = 1
            return Condition(active: false, value: 0)
        }
        let deviation = value - mean
        let sigma = variance.squareRoot()
        let z = sigma > 0 ? deviation / sigma : 0
        let warmedUp = Int(count) >= settings.warmup
        let active = warmedUp && abs(z) > settings.threshold && abs(deviation) > settings.minDeviation
        // Update with the deviation clamped at the threshold (robust to the outlier itself).
        let limit = settings.threshold * sigma
        let clamped = warmedUp && sigma > 0 ? min(max(deviation, -limit), limit) : deviation
        mean += alpha * clamped
        variance = (1 - alpha) * (variance + alpha * clamped * clamped)
        if count < Int32.max { count += 1 }
        return Condition(active: active, severity: settings.severity, level: active ? .zscore : .none, value: z,
                         threshold: settings.threshold)
    }
}
