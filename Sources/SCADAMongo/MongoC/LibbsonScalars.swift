import CMongoC

extension BSONObjectId {
    /// 12 fresh bytes from libbson's thread-safe default ObjectId context.
    static func generatedBytes() -> [UInt8] {
        var oid = bson_oid_t()
        bson_oid_init(&oid, nil)
        return withUnsafeBytes(of: oid.bytes) { Array($0) }
    }
}

extension BSONDecimal128: CustomStringConvertible {
    /// Parses decimal text such as "12.50", "-1E+3", "NaN"; `nil` if libbson rejects it.
    public init?(_ text: String) {
        var value = bson_decimal128_t()
        guard bson_decimal128_from_string(text, &value) else { return nil }
        self.init(low: value.low, high: value.high)
    }

    /// The decimal as text (libbson's rendering, e.g. "1234.5678", "1.0E+10").
    public var description: String {
        var value = bson_decimal128_t()
        value.low = low
        value.high = high
        return withUnsafeTemporaryAllocation(of: CChar.self, capacity: 64) { buffer in
            guard let base = buffer.baseAddress else { return "NaN" }
            bson_decimal128_to_string(&value, base)
            return String(cString: base)
        }
    }
}
