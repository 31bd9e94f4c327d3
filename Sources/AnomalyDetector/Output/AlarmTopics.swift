import SCADACore

/// MQTT topic layout of alarms: `{prefix}/{severity}/{device}/{alarm id}` (levels made topic-safe).
public enum AlarmTopics {
    public static func topic(prefix: String, severity: AlertRecord.Severity, deviceID: String, alarmID: String) -> String {
        "\(prefix)/\(severity.rawValue)/\(safe(deviceID))/\(safe(alarmID))"
    }

    /// `/`, `+`, `#` and spaces become `_`, as in ``AlertRecord/alarmID(device:rule:metric:)``.
    static func safe(_ level: String) -> String {
        String(level.map { "/+# ".contains($0) ? "_" : $0 })
    }

    /// Key prefix of the restore markers written to `scada.alarm-state` (tombstones; readers skip them).
    public static let restoreMarkerPrefix = "__restore_marker__/"
}
