/// Settings of a ``KafkaConsumer``. Offsets are only ever committed by the application
/// (`enable.auto.commit` and `enable.auto.offset.store` are always false).
public struct KafkaConsumerConfiguration: Sendable {
    /// `bootstrap.servers`: comma-separated `host:port` list.
    public var bootstrapServers: String
    /// `group.id`: members of one group share the partitions and the committed offsets.
    public var groupID: String
    /// Topics to subscribe to.
    public var topics: [String]
    /// `session.timeout.ms`. tansu takes about half of it to complete a group join, so tests use ~6 s.
    public var sessionTimeout: Duration
    /// `heartbeat.interval.ms`; `nil` means a third of the session timeout, at most 3 s.
    public var heartbeatInterval: Duration?
    /// `auto.offset.reset`.
    public var autoOffsetReset: KafkaOffsetReset
    /// Largest batch `messages` takes from librdkafka at once (also the sequence's buffer bound).
    public var maxPollRecords: Int
    /// `client.id`.
    public var clientID: String
    /// `queued.max.messages.kbytes`: how much librdkafka fetches ahead. Its own default (64 MiB) would
    /// dominate a service's memory while it works through a backlog; 4 MiB (thousands of records) keeps it ahead.
    public var prefetchKilobytes: Int
    /// Further librdkafka properties, applied verbatim after the ones above (so they win),
    /// except the two offset-commit properties, which are forced off.
    public var extra: [String: String]

    public init(
        bootstrapServers: String,
        groupID: String,
        topics: [String],
        sessionTimeout: Duration = .seconds(45),
        heartbeatInterval: Duration? = nil,
        autoOffsetReset: KafkaOffsetReset = .earliest,
        maxPollRecords: Int = 500,
        clientID: String = "scada",
        prefetchKilobytes: Int = 4_096,
        extra: [String: String] = [:]
    ) {
        self.bootstrapServers = bootstrapServers
        self.groupID = groupID
        self.topics = topics
        self.sessionTimeout = sessionTimeout
        self.heartbeatInterval = heartbeatInterval
        self.autoOffsetReset = autoOffsetReset
        self.maxPollRecords = maxPollRecords
        self.clientID = clientID
        self.prefetchKilobytes = prefetchKilobytes
        self.extra = extra
    }

    /// The librdkafka properties, in the order they are applied.
    var properties: [(key: String, value: String)] {
        let session = sessionTimeout.kafkaMilliseconds
        let heartbeat = heartbeatInterval?.kafkaMilliseconds ?? min(3000, max(100, session / 3))
        return [
            ("bootstrap.servers", bootstrapServers),
            ("group.id", groupID),
            ("client.id", clientID),
            ("session.timeout.ms", String(session)),
            ("heartbeat.interval.ms", String(heartbeat)),
            ("auto.offset.reset", autoOffsetReset.value),
            ("enable.partition.eof", "false"),
            ("queued.max.messages.kbytes", String(prefetchKilobytes)),
        ]
        + extra.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
        + [("enable.auto.commit", "false"), ("enable.auto.offset.store", "false")]
    }
}
