/// The `anomalyDetector:` section of the service's YAML configuration; `configmaps/anomaly-detector.yaml`
/// lists every option with its default.
public struct AnomalyDetectorConfiguration: Codable, Sendable, Equatable {
    /// Kafka consumer group of `scada.telemetry` (replicas split its partitions).
    public var groupID: String = "anomaly-detector"
    /// The rules file (YAML, `configmaps/anomaly-rules.yaml`).
    public var rulesFile: String = "/etc/anomaly-detector-rules/anomaly-rules.yaml"
    /// How often the rules file's modification time is checked.
    public var rulesReloadIntervalMs: Int = 2_000
    /// Largest batch taken from Kafka at once.
    public var maxPollRecords: Int = 2_000
    /// How much librdkafka fetches ahead of the evaluation (`queued.max.messages.kbytes`): 4 MiB throttled
    /// reading a backlog from tansu to a fraction; 16 MiB keeps it ahead within the memory budget.
    public var prefetchKilobytes: Int = 16_384
    /// Timers (device silence, shelve expiry) run at least this often.
    public var timerIntervalMs: Int = 1_000
    /// Offsets are committed at most this often (and on shutdown).
    public var commitIntervalMs: Int = 1_000
    /// Operator actions kept on each alarm.
    public var actionHistoryLimit: Int = 50
    /// How long a partition's alarm state may take to read back before the service gives up (and restarts).
    public var restoreTimeoutSeconds: Int = 120
    public var alerts = Alerts()
    public var analytics = Analytics()
    public var webhooks = Webhooks()

    public init() {}

    /// Alarm subscription on MQTT.
    public struct Alerts: Codable, Sendable, Equatable {
        /// Publish alarms to `{topicPrefix}/{severity}/{device}/{alarm id}`.
        public var mqttEnabled: Bool = true
        public var topicPrefix: String = "scada/alerts"
        /// MQTT client id; empty: `anomaly-detector-<host>-<pid>`.
        public var clientID: String = ""
        public init() {}
    }

    /// Plant KPIs (seed 000's bridge).
    public struct Analytics: Codable, Sendable, Equatable {
        public var enabled: Bool = true
        public var intervalSeconds: Double = 10
        /// The "cloud" broker for `topic`; empty: the main broker (`mqtt.url`).
        public var brokerURL: String = ""
        public var topic: String = "cloud/factory/analytics"
        /// Line speed that counts as 100 % performance in the OEE.
        public var nominalLineSpeed: Double = 100
        public init() {}
    }

    /// Optional HTTP POST of every transition (AlertRecord JSON) to each URL, with retry and backoff.
    public struct Webhooks: Codable, Sendable, Equatable {
        public var urls: [String] = []
        public var timeoutMs: Int = 5_000
        public var maxAttempts: Int = 5
        public var initialBackoffMs: Int = 200
        public var maxBackoffMs: Int = 10_000
        /// Transitions waiting for the webhooks; beyond it the oldest are dropped (and counted).
        public var queueCapacity: Int = 10_000
        public init() {}
    }

    /// Checks values YAML types alone cannot.
    public func validate() throws(AnomalyDetectorError) {
        guard !groupID.isEmpty else { throw AnomalyDetectorError("groupID must not be empty") }
        guard !rulesFile.isEmpty else { throw AnomalyDetectorError("rulesFile must be set") }
        guard rulesReloadIntervalMs > 0, maxPollRecords > 0, prefetchKilobytes > 0, timerIntervalMs > 0, commitIntervalMs >= 0,
              actionHistoryLimit > 0, restoreTimeoutSeconds > 0 else {
            throw AnomalyDetectorError("intervals, limits and timeouts must be positive")
        }
        guard analytics.intervalSeconds > 0, analytics.nominalLineSpeed > 0 else {
            throw AnomalyDetectorError("analytics.intervalSeconds and nominalLineSpeed must be positive")
        }
        guard webhooks.maxAttempts > 0, webhooks.initialBackoffMs > 0, webhooks.maxBackoffMs >= webhooks.initialBackoffMs,
              webhooks.queueCapacity > 0, webhooks.timeoutMs > 0 else {
            throw AnomalyDetectorError("webhook retry settings are inconsistent")
        }
    }
}

/// A configuration or start-up error of the anomaly-detector.
public struct AnomalyDetectorError: Error, Sendable, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
