import SCADACore

/// A flag the PLC sets itself, read from the record's `states`: active when the state equals `equals`
/// (e.g. `alarm: true`) or differs from `notEquals` (e.g. `grid_status` not `normal`). Absent: inactive.
public struct FlagDetector: Sendable {
    public final class Settings: Sendable {
        public let equals: StateValue?
        public let notEquals: StateValue?
        public let severity: AlertRecord.Severity

        public init(equals: StateValue? = nil, notEquals: StateValue? = nil, severity: AlertRecord.Severity = .warning) {
            self.equals = equals
            self.notEquals = notEquals
            self.severity = severity
        }
    }

    public let settings: Settings

    public init(_ settings: Settings) { self.settings = settings }

    public func evaluate(_ state: StateValue?) -> Condition {
        guard let state else { return .absent }
        var active = false
        if let equals = settings.equals { active = state == equals }
        if let notEquals = settings.notEquals { active = active || state != notEquals }
        return Condition(active: active, severity: settings.severity, level: active ? .flag : .none, value: active ? 1 : 0)
    }
}
