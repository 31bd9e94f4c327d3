/// The Kafka topics and MongoDB names every service agrees on.
public enum Topics {
    /// Valid, normalised telemetry records, keyed by device id.
    public static let telemetry = "scada.telemetry"
    /// Messages that failed validation or could not be stored, with the reason.
    public static let deadLetter = "scada.deadletter"
    /// Device birth / last-will status changes, keyed by device id.
    public static let deviceStatus = "scada.device-status"
    /// Alarm transitions (`AlertRecord`), keyed by device id.
    public static let alerts = "scada.alerts"
    /// Operator actions on alarms (acknowledge, shelve, unshelve), keyed by alarm id.
    public static let alertActions = "scada.alert-actions"
    /// Compacted: the whole current state of every alarm, keyed by alarm id, co-partitioned with `scada.telemetry`.
    public static let alarmState = "scada.alarm-state"
    /// Plant KPIs per site and line, keyed by site.
    public static let analytics = "scada.analytics"
    /// Default output of `anomaly-detector replay` (never read by the live services).
    public static let alertsReplay = "scada.alerts.replay"

    public static let all = [telemetry, deadLetter, deviceStatus, alerts, alertActions, alarmState, analytics]

    /// Topics that must have as many partitions as `scada.telemetry` (a device's alarm state lives in the
    /// partition of its telemetry, so the replica that owns the device restores it).
    public static let coPartitionedWithTelemetry: Set<String> = [telemetry, alarmState]

    /// Topic configuration the platform relies on (`scada.alarm-state` is compacted: the newest state per alarm).
    public static func configuration(of topic: String) -> [String: String] {
        topic == alarmState ? ["cleanup.policy": "compact"] : [:]
    }

    /// Partitions of `scada.telemetry` (and the topics co-partitioned with it) unless a deployment chooses otherwise.
    public static let defaultTelemetryPartitions: Int32 = 6
    /// Partitions of the other topics unless a deployment chooses otherwise.
    public static let defaultPartitions: Int32 = 3

    /// Every platform topic as it is created: name, partition count, topic configuration.
    public static func layout(telemetryPartitions: Int32 = defaultTelemetryPartitions, others: Int32 = defaultPartitions)
        -> [(name: String, partitions: Int32, config: [String: String])] {
        all.map { ($0, partitions(of: $0, telemetry: telemetryPartitions, others: others), configuration(of: $0)) }
    }

    /// How many partitions `topic` gets when created: the telemetry count for the co-partitioned topics.
    public static func partitions(of topic: String, telemetry: Int32, others: Int32) -> Int32 {
        coPartitionedWithTelemetry.contains(topic) ? telemetry : others
    }
}

/// MongoDB database and collection names.
public enum Collections {
    public static let database = "scada"
    public static let telemetry = "telemetry"
    public static let devices = "devices"
    public static let rollups = "rollups"
    public static let alerts = "alerts"
    public static let commands = "commands"
}
