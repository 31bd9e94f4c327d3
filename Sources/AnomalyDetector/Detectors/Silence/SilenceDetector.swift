import SCADACore

/// Device silence: no telemetry for `timeoutSeconds`, or the device's last will (`offline` on
/// `scada.device-status`). Clears when data flows again (or the device reports `online` and then sends data).
public struct SilenceDetector: Sendable {
    public final class Settings: Sendable {
        public let timeoutSeconds: Double
        public let severity: AlertRecord.Severity

        public init(timeoutSeconds: Double = 30, severity: AlertRecord.Severity = .warning) {
            self.timeoutSeconds = timeoutSeconds
            self.severity = severity
        }
    }

    public let settings: Settings
    /// UTC ms of the last sample seen.
    public private(set) var lastSeen: Int64 = 0
    public private(set) var offline = false

    public init(_ settings: Settings) { self.settings = settings }

    /// A sample arrived at `time` (receive time, UTC ms).
    public mutating func seen(at time: Int64) -> Condition {
        lastSeen = max(lastSeen, time)
        offline = false
        return .absent
    }

    /// The device's birth (`online`) or last will (`offline`).
    public mutating func status(online: Bool, at time: Int64) -> Condition {
        offline = !online
        if online { lastSeen = max(lastSeen, time) }
        return check(now: time)
    }

    /// The condition at wall-clock `now` (UTC ms).
    public func check(now: Int64) -> Condition {
        if offline {
            return Condition(active: true, severity: settings.severity, level: .offline, value: 0, threshold: 0)
        }
        guard lastSeen > 0 else { return .absent }
        let silent = Double(now - lastSeen) / 1000
        let active = silent >= settings.timeoutSeconds
        return Condition(active: active, severity: settings.severity, level: active ? .silent : .none, value: silent,
                         threshold: settings.timeoutSeconds)
    }
}
