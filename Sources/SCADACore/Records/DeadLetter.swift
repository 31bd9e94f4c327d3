/// How a dead letter travels on `scada.deadletter`: the message value is the original payload,
/// byte for byte; these Kafka headers say where it came from and why it was rejected.
public enum DeadLetter {
    /// Machine-readable reason code, e.g. `invalid_json`, `missing_field`, `payload_too_large`.
    public static let reasonHeader = "scada-reason"
    /// Human-readable detail, e.g. `field 'timestamp' is missing`.
    public static let detailHeader = "scada-detail"
    /// The MQTT topic (or Kafka topic/partition/offset) the message came from.
    public static let sourceHeader = "scada-source"
    /// The service that rejected it.
    public static let serviceHeader = "scada-service"
    /// UTC ms when it was rejected.
    public static let rejectedAtHeader = "scada-rejected-at"
}
