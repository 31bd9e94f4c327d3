/// The Kafka topics and MongoDB names every service agrees on.
public enum Topics {
    /// Valid, normalised telemetry records, keyed by device id.
    public static let telemetry = "scada.telemetry"
    /// Messages that failed validation or could not be stored, with the reason.
    public static let deadLetter = "scada.deadletter"
    /// Device birth / last-will status changes, keyed by device id.
    public static let deviceStatus = "scada.device-status"
    /// Alarm raise/clear events.
    public static let alerts = "scada.alerts"
    /// Aggregated analytics.
    public static let analytics = "scada.analytics"

    public static let all = [telemetry, deadLetter, deviceStatus, alerts, analytics]
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
