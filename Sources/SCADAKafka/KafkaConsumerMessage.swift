import Foundation

/// A record read by a ``KafkaConsumer``.
public struct KafkaConsumerMessage: Sendable, Equatable {
    public var topic: String
    public var partition: Int32
    public var offset: Int64
    public var key: [UInt8]?
    /// The record's value; empty for a record without one (a tombstone).
    public var value: [UInt8]
    public var headers: [KafkaHeader]
    /// The record's create or log-append time, when the broker sent one.
    public var timestamp: Date?

    public init(topic: String, partition: Int32, offset: Int64, key: [UInt8]? = nil, value: [UInt8],
                headers: [KafkaHeader] = [], timestamp: Date? = nil) {
        self.topic = topic
        self.partition = partition
        self.offset = offset
        self.key = key
        self.value = value
        self.headers = headers
        self.timestamp = timestamp
    }
}

/// A partition of a topic, with an offset where one applies.
public struct KafkaTopicPartition: Sendable, Hashable {
    public var topic: String
    public var partition: Int32
    /// An absolute offset; `nil` when none applies (e.g. in an assignment that starts at the committed offset).
    public var offset: Int64?

    public init(topic: String, partition: Int32, offset: Int64? = nil) {
        self.topic = topic
        self.partition = partition
        self.offset = offset
    }
}

/// Something that happened to a consumer besides messages arriving.
public enum KafkaConsumerEvent: Sendable {
    /// The group gave these partitions to this consumer.
    case assigned([KafkaTopicPartition])
    /// These partitions were taken away (offsets marked processed were committed first).
    case revoked([KafkaTopicPartition])
    /// librdkafka reported an error; most are transient (it reconnects by itself).
    case error(KafkaError)
}
