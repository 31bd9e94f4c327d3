import Foundation

extension BSONValue {
    /// The value of an `.int64`, or an `.int32` widened (some servers, e.g. nx-27017, store small
    /// int64 values back as int32).
    public var int64Value: Int64? {
        switch self {
        case .int64(let v): v
        case .int32(let v): Int64(v)
        default: nil
        }
    }

    /// The value of an `.int32`, or of an `.int64` that fits.
    public var int32Value: Int32? {
        switch self {
        case .int32(let v): v
        case .int64(let v): Int32(exactly: v)
        default: nil
        }
    }

    /// The value of an `.int32` or `.int64` as `Int`.
    public var intValue: Int? { int64Value.flatMap { Int(exactly: $0) } }

    /// The value of a `.double` only.
    public var doubleValue: Double? {
        if case .double(let v) = self { return v }
        return nil
    }

    /// Any numeric value widened to `Double` (`.double`, `.int32`, `.int64`, `.decimal128`).
    public var asDouble: Double? {
        switch self {
        case .double(let v): v
        case .int32(let v): Double(v)
        case .int64(let v): Double(v)
        case .decimal128(let v): Double(v.description)
        default: nil
        }
    }

    public var stringValue: String? {
        if case .string(let v) = self { return v }
        return nil
    }

    public var boolValue: Bool? {
        if case .bool(let v) = self { return v }
        return nil
    }

    public var documentValue: BSONDocument? {
        if case .document(let v) = self { return v }
        return nil
    }

    public var arrayValue: [BSONValue]? {
        if case .array(let v) = self { return v }
        return nil
    }

    public var dateValue: Date? {
        if case .datetime(let v) = self { return v }
        return nil
    }

    public var objectIdValue: BSONObjectId? {
        if case .objectId(let v) = self { return v }
        return nil
    }

    public var binaryValue: [UInt8]? {
        if case .binary(let v) = self { return v }
        return nil
    }

    public var isNull: Bool {
        if case .null = self { return true }
        return false
    }
}
