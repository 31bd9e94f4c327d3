import SCADACore

/// Data loss: a jump in the device's `seq` (messages missing) or a `seq` going back (out of order).
/// The condition holds for `holdSeconds` after the last such event, so a burst is one alarm.
/// A duplicate (same seq) is ignored, and a seq back at 1 is a device restart, not disorder.
public struct SequenceGapDetector: Sendable {
    public final class Settings: Sendable {
        /// Missing messages tolerated in one jump.
        public let tolerance: Int
        public let holdSeconds: Double
        public let severity: AlertRecord.Severity

        public init(tolerance: Int = 0, holdSeconds: Double = 30, severity: AlertRecord.Severity = .warning) {
            self.tolerance = tolerance
            self.holdSeconds = holdSeconds
            self.severity = severity
        }
    }

    public let settings: Settings
    private var lastSeq: Int64 = -1
    private var lastEvent: Int64 = .min
    private var lastLevel: ConditionLevel = .none
    private var lastMissing: Double = 0

    public init(_ settings: Settings) { self.settings = settings }

    /// `time` in UTC ms.
    public mutating func evaluate(seq: Int64, time: Int64) -> Condition {
        if lastSeq >= 0 {
            if seq > lastSeq + 1 + Int64(settings.tolerance) {
                lastEvent = time
                lastLevel = .gap
                lastMissing = Double(seq - lastSeq - 1)
            } else if seq < lastSeq, seq > 1 {
                lastEvent = time
                lastLevel = .outOfOrder
                lastMissing = Double(lastSeq - seq)
            }
        }
        if seq > lastSeq || seq <= 1 { lastSeq = seq }
        let active = lastEvent != .min && Double(time - lastEvent) / 1000 < settings.holdSeconds
        return Condition(active: active, severity: settings.severity, level: active ? lastLevel : .none, value: lastMissing,
                         threshold: Double(settings.tolerance))
    }
}
