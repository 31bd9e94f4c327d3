import SCADACore

/// A value that stops changing: unchanged (within `epsilon`) for `samples` samples, or for `seconds`
/// seconds when that is set. Clears at the first change.
public struct StuckDetector: Sendable {
    public final class Settings: Sendable {
        public let samples: Int
        public let seconds: Double
        public let epsilon: Double
        /// Values at or below this magnitude never count as stuck (a stopped spindle legitimately reads 0).
        public let minMagnitude: Double
        public let severity: AlertRecord.Severity

        public init(samples: Int = 30, seconds: Double = 0, epsilon: Double = 0, minMagnitude: Double = -1,
                    severity: AlertRecord.Severity = .warning) {
            self.samples = samples
            self.seconds = seconds
            self.epsilon = epsilon
            self.minMagnitude = minMagnitude
            self.severity = severity
        }
    }

    public let settings: Settings
    private var last: Double = .nan
    private var since: Int64 = 0
    private var repeats: Int32 = 0

    public init(_ settings: Settings) { self.settings = settings }

    /// `time` in UTC ms.
    public mutating func evaluate(_ value: Double, time: Int64) -> Condition {
        if abs(value) <= settings.minMagnitude {
            last = .nan
            repeats = 0
            return Condition(active: false, value: value)
        }
        if !last.isNaN, abs(value - last) <= settings.epsilon {
            if repeats < Int32.max { repeats += 1 }
        } else {
            last = value
            since = time
            repeats = 0
        }
        let unchangedSamples = Int(repeats) + 1
        let active = settings.seconds > 0
            ? Double(time - since) / 1000 >= settings.seconds && unchangedSamples >= 2
            : unchangedSamples >= settings.samples
        return Condition(active: active, severity: settings.severity, level: active ? .stuck : .none, value: value,
                         threshold: settings.seconds > 0 ? settings.seconds : Double(settings.samples))
    }
}
