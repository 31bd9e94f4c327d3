/// An error from the Kafka client: a classified ``kind`` plus librdkafka's own text.
public struct KafkaError: Error, CustomStringConvertible, Sendable {
    /// What went wrong, coarse enough to decide on a reaction (back off, retry, give up).
    public enum Kind: Sendable, Hashable {
        /// The loaded librdkafka is older than 2.2 (see ``KafkaRuntime``).
        case unsupportedLibraryVersion
        /// librdkafka rejected a configuration property (`key` is empty for a rejected combination).
        case configuration(key: String, reason: String)
        /// librdkafka's local produce queue is full: back off and retry.
        case queueFull
        /// The message was not acknowledged within `message.timeout.ms`.
        case messageTimedOut
        /// No broker could be reached (transport failure, all brokers down, name resolution).
        case brokerUnavailable
        /// An operation (flush, admin request, metadata) did not finish in time.
        case timedOut
        /// The topic or partition does not exist.
        case unknownTopic
        /// Topic creation failed because the topic already exists.
        case topicAlreadyExists
        /// Committing offsets failed; uncommitted messages will be redelivered.
        case commitFailed
        /// The client is closed, or was closed while the operation was pending.
        case closed
        /// The calling task was cancelled before the operation was handed to librdkafka.
        case cancelled
        /// Any other librdkafka error (`rd_kafka_resp_err_t` value).
        case library(code: Int32)
    }

    public let kind: Kind
    /// librdkafka's error code (`rd_kafka_resp_err_t`), when librdkafka reported the error.
    public let code: Int32?
    /// librdkafka's text (`rd_kafka_err2str` or a more specific reason), or this module's explanation.
    public let message: String

    public init(_ kind: Kind, message: String, code: Int32? = nil) {
        self.kind = kind
        self.message = message
        self.code = code
    }

    public var description: String { "KafkaError(\(kind)): \(message)" }
}
