import SCADACore

/// Rate of change over a time window: the change per second from the oldest sample kept (at most
/// `windowSeconds` old) to the newest, against `maxRate`. Works with any sample spacing.
public struct RateOfChangeDetector: Sendable {
    public final class Settings: Sendable {
        /// Largest allowed |Δvalue| per second.
        public let maxRate: Double
        public let windowSeconds: Double
        public let severity: AlertRecord.Severity

        public init(maxRate: Double, windowSeconds: Double = 1, severity: AlertRecord.Severity = .warning) {
            self.maxRate = maxRate
            self.windowSeconds = windowSeconds
            self.severity = severity
        }
    }

    public let settings: Settings
    private var anchorTime: Int64 = .min
    private var anchorValue: Double = 0

    public init(_ settings: Settings) { self.settings = settings }

    /// `time` in UTC ms.
    public mutating func evaluate(_ value: Double, time: Int64) -> Condition {
        guard anchorTime != .min, time > anchorTime else {
            if anchorTime == .min || time < anchorTime { anchorTime = time; anchorValue = value }
            return Condition(active: false, value: value)
        }
        let seconds = Double(time - anchorTime) / 1000
        let rate = (value - anchorValue) / max(seconds, 0.001)
        let window = settings.windowSeconds
        // Move the anchor forward once it is a whole window old, so the rate covers at most one window.
        if seconds >= window {
            anchorTime = time
            anchorValue = value
        }
        let active = abs(rate) > settings.maxRate
        return Condition(active: active, severity: settings.severity, level: active ? .rate : .none, value: rate,
                         threshold: settings.maxRate)
    }
}
