/// A BSON timestamp (internal MongoDB replication type): seconds and an ordinal.
public struct BSONTimestamp: Sendable, Hashable {
    public var timestamp: UInt32
    public var increment: UInt32
    public init(timestamp: UInt32, increment: UInt32) {
        self.timestamp = timestamp
        self.increment = increment
    }
}

/// A BSON regular expression: pattern and option letters (e.g. "i", "m").
public struct BSONRegex: Sendable, Hashable {
    public var pattern: String
    public var options: String
    public init(pattern: String, options: String = "") {
        self.pattern = pattern
        self.options = String(options.sorted())
    }
}

/// An IEEE 754-2008 128-bit decimal, kept as its bits; text conversion by libbson.
public struct BSONDecimal128: Sendable, Hashable {
    public var low: UInt64
    public var high: UInt64

    public init(low: UInt64, high: UInt64) {
        self.low = low
        self.high = high
    }
}
