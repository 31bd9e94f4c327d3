/// Settings of a ``KafkaProducer``; each maps to one librdkafka property.
public struct KafkaProducerConfiguration: Sendable {
    /// `bootstrap.servers`: comma-separated `host:port` list.
    public var bootstrapServers: String
    /// `client.id`.
    public var clientID: String
    /// `enable.idempotence`: no duplicates or reordering on retries (requires `acks=all`).
    public var idempotent: Bool
    /// `acks`.
    public var acks: KafkaAcks
    /// `linger.ms`: how long to wait to fill a batch.
    public var linger: Duration
    /// `batch.size`: maximum bytes of one batch.
    public var batchSize: Int
    /// `compression.type`.
    public var compression: KafkaCompression
    /// `message.timeout.ms`: a record not acknowledged by then fails with ``KafkaError/Kind/messageTimedOut``;
    /// `nil` never gives up on a record.
    public var messageTimeout: Duration?
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
        acks: KafkaAcks = .all,
        linger: Duration = .milliseconds(5),
        batchSize: Int = 1_000_000,
        compression: KafkaCompression = .none,
        messageTimeout: Duration? = .seconds(120),
        queueBufferingMaxMessages: Int = 100_000,
        autoCreateTopics: Bool = true,
        stallTimeout: Duration? = .seconds(15),
        extra: [String: String] = [:]
    ) {
        self.bootstrapServers = bootstrapServers
        self.clientID = clientID
        self.idempotent = idempotent
        self.acks = acks
        self.linger = linger
        self.batchSize = batchSize
        self.compression = compression
        self.messageTimeout = messageTimeout
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
            ("acks", acks.value),
            ("linger.ms", String(linger.kafkaMilliseconds)),
            ("batch.size", String(batchSize)),
            ("compression.type", compression.value),
            ("message.timeout.ms", String(messageTimeout.map { max(1, $0.kafkaMilliseconds) } ?? 0)),
            ("queue.buffering.max.messages", String(queueBufferingMaxMessages)),
            ("allow.auto.create.topics", autoCreateTopics ? "true" : "false"),
        ] + extra.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
    }
}
