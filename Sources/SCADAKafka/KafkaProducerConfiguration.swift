/// Settings of a ``KafkaProducer``; each maps to one librdkafka property.
public struct KafkaProducerConfiguration: Sendable {
    /// `bootstrap.servers`: comma-separated `host:port` list.
    public var bootstrapServers: String
    /// `client.id`.
    public var clientID: String
    /// `enable.idempotence`: no duplicates or reordering on retries (requires `acks=all`).
    public var idempotent: Bool
    /// `acks`: "all", "1" or "0".
    public var acks: String
    /// `linger.ms`: how long to wait to fill a batch.
    public var lingerMilliseconds: Int
    /// `batch.size`: maximum bytes of one batch.
    public var batchSize: Int
    /// `compression.type`: "none", "gzip", "snappy", "lz4" or "zstd".
    public var compression: String
    /// `message.timeout.ms`: a record not acknowledged by then fails with ``KafkaError/Kind/messageTimedOut``.
    public var messageTimeoutMilliseconds: Int
    /// `queue.buffering.max.messages`: local queue size; beyond it `enqueue` throws ``KafkaError/Kind/queueFull``.
    public var queueBufferingMaxMessages: Int
    /// `allow.auto.create.topics`: whether producing to a missing topic asks the broker to create it
    /// (with the broker's default partition count). Services turn it off and recreate their topics with
    /// ``KafkaTopicKeeper``.
    public var autoCreateTopics: Bool
    /// Replace the librdkafka handle (re-sending what it holds) when records have been outstanding this long
    /// without any delivery report while the broker answers metadata requests; `nil` never does.
    public var stallTimeout: Duration?
    /// Further librdkafka properties, applied verbatim after the ones above (so they win).
    public var extra: [String: String]

    public init(
        bootstrapServers: String,
        clientID: String = "scada",
        idempotent: Bool = true,
        acks: String = "all",
        lingerMilliseconds: Int = 5,
        batchSize: Int = 1_000_000,
        compression: String = "none",
        messageTimeoutMilliseconds: Int = 120_000,
        queueBufferingMaxMessages: Int = 100_000,
        autoCreateTopics: Bool = true,
        stallTimeout: Duration? = .seconds(15),
        extra: [String: String] = [:]
    ) {
        self.bootstrapServers = bootstrapServers
        self.clientID = clientID
        self.idempotent = idempotent
        self.acks = acks
        self.lingerMilliseconds = lingerMilliseconds
        self.batchSize = batchSize
        self.compression = compression
        self.messageTimeoutMilliseconds = messageTimeoutMilliseconds
        self.queueBufferingMaxMessages = queueBufferingMaxMessages
        self.autoCreateTopics = autoCreateTopics
        self.stallTimeout = stallTimeout
        self.extra = extra
    }

    /// The librdkafka properties, in the order they are applied.
    var properties: [(key: String, value: String)] {
        [
            ("bootstrap.servers", bootstrapServers),
            ("client.id", clientID),
            ("enable.idempotence", idempotent ? "true" : "false"),
            ("acks", acks),
            ("linger.ms", String(lingerMilliseconds)),
            ("batch.size", String(batchSize)),
            ("compression.type", compression),
            ("message.timeout.ms", String(messageTimeoutMilliseconds)),
            ("queue.buffering.max.messages", String(queueBufferingMaxMessages)),
            ("allow.auto.create.topics", autoCreateTopics ? "true" : "false"),
        ] + extra.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
    }
}
