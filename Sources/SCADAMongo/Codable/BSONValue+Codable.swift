import Foundation

/// With ``BSONEncoder``/``BSONDecoder`` a ``BSONValue`` passes through unchanged. With other coders
/// (e.g. JSON) it maps to the nearest plain form: ObjectId → hex string, datetime → `Date`,
/// binary → `Data`, decimal128 → string, int64 → number; decoding plain data yields bool, int64,
/// double, string, array or document (key order as the decoder reports it).
extension BSONValue: Codable {
    public init(from decoder: any Decoder) throws {
        if let bson = decoder as? _BSONDecoder {
            self = bson.value
            return
        }
        if let keyed = try? decoder.container(keyedBy: BSONKey.self) {
            var document = BSONDocument()
            for key in keyed.allKeys { document.append(key.stringValue, try keyed.decode(BSONValue.self, forKey: key)) }
            self = .document(document)
            return
        }
        if var unkeyed = try? decoder.unkeyedContainer() {
            var values: [BSONValue] = []
            while !unkeyed.isAtEnd { values.append(try unkeyed.decode(BSONValue.self)) }
            self = .array(values)
            return
        }
        let single = try decoder.singleValueContainer()
        if single.decodeNil() {
            self = .null
        } else if let v = try? single.decode(Bool.self) {
            self = .bool(v)
        } else if let v = try? single.decode(Int64.self) {
            self = .int64(v)
        } else if let v = try? single.decode(Double.self) {
            self = .double(v)
        } else {
            self = .string(try single.decode(String.self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        if let bson = encoder as? _BSONEncoder {
            bson.node = .value(self)
            return
        }
        switch self {
        case .document(let document): try document.encode(to: encoder)
        case .array(let values):
            var container = encoder.unkeyedContainer()
            for value in values { try container.encode(value) }
        case .regex(let regex):
            var container = encoder.container(keyedBy: BSONKey.self)
            try container.encode(regex.pattern, forKey: BSONKey("pattern"))
            try container.encode(regex.options, forKey: BSONKey("options"))
        case .timestamp(let ts):
            var container = encoder.container(keyedBy: BSONKey.self)
            try container.encode(ts.timestamp, forKey: BSONKey("t"))
            try container.encode(ts.increment, forKey: BSONKey("i"))
        default:
            var container = encoder.singleValueContainer()
            switch self {
            case .double(let v): try container.encode(v)
            case .string(let v): try container.encode(v)
            case .binary(let v): try container.encode(Data(v))
            case .objectId(let v): try container.encode(v.hex)
            case .bool(let v): try container.encode(v)
            case .datetime(let v): try container.encode(v)
            case .null: try container.encodeNil()
            case .int32(let v): try container.encode(v)
            case .int64(let v): try container.encode(v)
            case .decimal128(let v): try container.encode(v.description)
            case .minKey: try container.encode("$minKey")
            case .maxKey: try container.encode("$maxKey")
            case .document, .array, .regex, .timestamp: break  // handled above
            }
        }
    }
}

extension BSONDocument: Codable {
    public init(from decoder: any Decoder) throws {
        if let bson = decoder as? _BSONDecoder {
            guard case .document(let document) = bson.value else { throw bson.mismatch(BSONDocument.self, bson.value) }
            self = document
            return
        }
        let container = try decoder.container(keyedBy: BSONKey.self)
        var document = BSONDocument()
        for key in container.allKeys { document.append(key.stringValue, try container.decode(BSONValue.self, forKey: key)) }
        self = document
    }

    public func encode(to encoder: any Encoder) throws {
        if let bson = encoder as? _BSONEncoder {
            bson.node = .value(.document(self))
            return
        }
        var container = encoder.container(keyedBy: BSONKey.self)
        for (key, value) in storage { try container.encode(value, forKey: BSONKey(key)) }
    }
}
