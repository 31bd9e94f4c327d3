/// `acks`: how many replicas must have a record before the producer reports it delivered.
public struct KafkaAcks: Sendable, Hashable, CustomStringConvertible {
    /// The librdkafka value.
    public let value: String

    /// Every in-sync replica (required by the idempotent producer).
    public static let all = KafkaAcks(value: "all")
    /// The partition leader only.
    public static let leader = KafkaAcks(value: "1")
    /// No acknowledgement at all: records may be lost silently.
    public static let none = KafkaAcks(value: "0")

    public var description: String { value }
}

/// `compression.type` of produced batches.
public struct KafkaCompression: Sendable, Hashable, CustomStringConvertible {
    /// The librdkafka value.
    public let value: String

    public static let none = KafkaCompression(value: "none")
    public static let gzip = KafkaCompression(value: "gzip")
    public static let snappy = KafkaCompression(value: "snappy")
    public static let lz4 = KafkaCompression(value: "lz4")
    public static let zstd = KafkaCompression(value: "zstd")

    public static let allCases: [KafkaCompression] = [.none, .gzip, .snappy, .lz4, .zstd]

    /// The codec named `name` as written in a configuration file; `nil` for an unknown name.
    public init?(named name: String) {
        guard let known = Self.allCases.first(where: { $0.value == name }) else { return nil }
        self = known
    }

    private init(value: String) { self.value = value }

    public var description: String { value }
}

/// `auto.offset.reset`: where a consumer group starts on a partition without a committed offset.
public struct KafkaOffsetReset: Sendable, Hashable, CustomStringConvertible {
    /// The librdkafka value.
    public let value: String

    /// The oldest record still kept.
    public static let earliest = KafkaOffsetReset(value: "earliest")
    /// Only records produced from now on.
    public static let latest = KafkaOffsetReset(value: "latest")

    public var description: String { value }
}

extension Duration {
    /// Whole milliseconds (rounded down, never negative), as librdkafka's `*.ms` properties take them.
    var kafkaMilliseconds: Int {
        let (seconds, attoseconds) = components
        return max(0, Int(seconds) * 1000 + Int(attoseconds / 1_000_000_000_000_000))
    }
}
