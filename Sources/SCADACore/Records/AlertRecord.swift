/// An alarm event on `scada.alerts`, keyed by device id: raised when a rule trips, cleared when it recovers.
public struct AlertRecord: Codable, Sendable, Equatable {
    public enum State: String, Codable, Sendable { case raised, cleared }
    public enum Severity: String, Codable, Sendable { case info, warning, critical }

    public var schemaVersion: Int
    /// Stable id of the alarm instance (the same for its raise and its clear).
    public var alertId: String
    public var deviceId: String
    /// The detector rule that produced it, e.g. `threshold`, `rate_of_change`, `stuck_value`, `data_gap`.
    public var rule: String
    public var metric: String?
    public var severity: Severity
    public var state: State
    public var value: Double?
    public var threshold: Double?
    public var message: String
    /// UTC ms of the sample that raised or cleared the alarm.
    public var eventTime: Int64

    public init(schemaVersion: Int = 1, alertId: String, deviceId: String, rule: String, metric: String?, severity: Severity,
                state: State, value: Double?, threshold: Double?, message: String, eventTime: Int64) {
        self.schemaVersion = schemaVersion
        self.alertId = alertId
        self.deviceId = deviceId
        self.rule = rule
        self.metric = metric
        self.severity = severity
        self.state = state
        self.value = value
        self.threshold = threshold
        self.message = message
        self.eventTime = eventTime
    }

    enum CodingKeys: String, CodingKey {
        case schemaVersion = "schema_version", alertId = "alert_id", deviceId = "device_id", rule, metric, severity, state
        case value, threshold, message, eventTime = "event_time"
    }

    public func jsonBytes() throws -> [UInt8] { Array(try RecordCoding.encoder.encode(self)) }

    public init(jsonBytes: [UInt8]) throws {
        self = try RecordCoding.decoder.decode(AlertRecord.self, from: .init(jsonBytes))
    }
}
