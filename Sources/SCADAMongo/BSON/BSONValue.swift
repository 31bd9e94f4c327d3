import Foundation

/// One BSON value.
///
/// Integer literals become `.int64`, float literals `.double`, dictionary literals `.document`.
/// `.datetime` carries millisecond precision on the wire: a `Date` is rounded to the nearest
/// millisecond when encoded.
public enum BSONValue: Sendable, Hashable {
    case double(Double)
    case string(String)
    case document(BSONDocument)
    case array([BSONValue])
    /// Binary data. Any binary subtype is read as its bytes; it is written with subtype 0 (generic).
    case binary([UInt8])
    case objectId(BSONObjectId)
    case bool(Bool)
    case datetime(Date)
    case null
    indirect case regex(BSONRegex)
    case int32(Int32)
    case timestamp(BSONTimestamp)
    case int64(Int64)
    case decimal128(BSONDecimal128)
    case minKey
    case maxKey
}

extension BSONValue: CustomStringConvertible {
    /// The value as relaxed extended JSON, e.g. `5`, `"text"`, `{ "$oid" : "..." }`.
    public var description: String {
        let wrapped = (try? BSONDocument(uncheckedElements: [("v", self)]).extendedJSON) ?? ""
        guard wrapped.hasPrefix("{ \"v\" : "), wrapped.hasSuffix(" }") else { return typeName }
        return String(wrapped.dropFirst(8).dropLast(2))
    }
}

extension BSONValue {
    /// A datetime from milliseconds since 1970-01-01 UTC, the unit BSON stores.
    public static func datetime(milliseconds: Int64) -> BSONValue {
        .datetime(Date(bsonMilliseconds: milliseconds))
    }

    /// The BSON type name, as MongoDB's `$type` spells it.
    public var typeName: String {
        switch self {
        case .double: "double"
        case .string: "string"
        case .document: "object"
        case .array: "array"
        case .binary: "binData"
        case .objectId: "objectId"
        case .bool: "bool"
        case .datetime: "date"
        case .null: "null"
        case .regex: "regex"
        case .int32: "int"
        case .timestamp: "timestamp"
        case .int64: "long"
        case .decimal128: "decimal"
        case .minKey: "minKey"
        case .maxKey: "maxKey"
        }
    }
}

extension Date {
    /// The date `milliseconds` after 1970-01-01 UTC.
    init(bsonMilliseconds milliseconds: Int64) {
        self.init(timeIntervalSince1970: Double(milliseconds) / 1000)
    }

    /// Milliseconds since 1970-01-01 UTC, rounded to the nearest millisecond (clamped to Int64).
    var bsonMilliseconds: Int64 {
        let ms = (timeIntervalSince1970 * 1000).rounded()
        if ms >= 9.2233720368547748e18 { return .max }
        if ms <= -9.2233720368547758e18 { return .min }
        return Int64(ms)
    }
}
