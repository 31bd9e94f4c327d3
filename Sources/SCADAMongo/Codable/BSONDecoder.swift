import Foundation

/// Decodes `Decodable` values from ``BSONDocument``, the inverse of ``BSONEncoder``.
///
/// Integers accept int32, int64 and integral doubles that fit the target type (servers may narrow
/// small int64 values to int32); `Double` accepts double and integers exactly representable.
/// A missing key or BSON null decodes as `nil` for optionals.
public struct BSONDecoder: Sendable {
    public var userInfo: [CodingUserInfoKey: any Sendable] = [:]

    public init() {}

    public func decode<T: Decodable>(_ type: T.Type, from document: BSONDocument) throws(MongoError) -> T {
        try decode(type, fromValue: .document(document))
    }

    /// Decodes from any ``BSONValue`` (also scalars and arrays).
    public func decode<T: Decodable>(_ type: T.Type, fromValue value: BSONValue) throws(MongoError) -> T {
        do {
            return try _BSONDecoder(value: value, codingPath: [], userInfo: userInfo).unbox(type)
        } catch let error as MongoError {
            throw error
        } catch {
            throw MongoError(.invalidDocument, message: "cannot decode \(T.self): \(Self.describe(error))")
        }
    }

    static func describe(_ error: any Error) -> String {
        guard let error = error as? DecodingError else { return "\(error)" }
        func path(_ context: DecodingError.Context) -> String {
            context.codingPath.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
        }
        switch error {
        case .keyNotFound(let key, let context): return "missing key \(path(context).isEmpty ? "" : path(context) + ".")\(key.stringValue)"
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context):
            return "\(path(context)): \(context.debugDescription)"
        @unknown default: return "\(error)"
        }
    }
}

final class _BSONDecoder: Decoder {
    let value: BSONValue
    let codingPath: [any CodingKey]
    let sendableUserInfo: [CodingUserInfoKey: any Sendable]
    var userInfo: [CodingUserInfoKey: Any] { sendableUserInfo }

    init(value: BSONValue, codingPath: [any CodingKey], userInfo: [CodingUserInfoKey: any Sendable]) {
        self.value = value
        self.codingPath = codingPath
        sendableUserInfo = userInfo
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        guard case .document(let document) = value else { throw mismatch([String: Any].self, value) }
        return KeyedDecodingContainer(BSONKeyedDecodingContainer<Key>(decoder: self, document: document))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        guard case .array(let array) = value else { throw mismatch([Any].self, value) }
        return BSONUnkeyedDecodingContainer(decoder: self, array: array)
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer { BSONSingleValueDecodingContainer(decoder: self) }

    func child(_ value: BSONValue, key: any CodingKey) -> _BSONDecoder {
        _BSONDecoder(value: value, codingPath: codingPath + [key], userInfo: sendableUserInfo)
    }

    func mismatch(_ type: Any.Type, _ value: BSONValue, key: (any CodingKey)? = nil) -> DecodingError {
        DecodingError.typeMismatch(type, .init(codingPath: codingPath + (key.map { [$0] } ?? []),
                                               debugDescription: "expected \(type), found BSON \(value.typeName)"))
    }

    /// Decodes this decoder's value as `T`, reading BSON-native types (Date, ObjectId, ...) directly.
    func unbox<T: Decodable>(_ type: T.Type) throws -> T {
        if T.self == Date.self {
            guard case .datetime(let date) = value else { throw mismatch(Date.self, value) }
            return try cast(date)
        }
        if T.self == BSONObjectId.self {
            guard case .objectId(let id) = value else { throw mismatch(BSONObjectId.self, value) }
            return try cast(id)
        }
        if T.self == BSONValue.self { return try cast(value) }
        if T.self == BSONDocument.self {
            guard case .document(let document) = value else { throw mismatch(BSONDocument.self, value) }
            return try cast(document)
        }
        if T.self == Data.self {
            guard case .binary(let bytes) = value else { throw mismatch(Data.self, value) }
            return try cast(Data(bytes))
        }
        if T.self == URL.self {
            guard case .string(let text) = value, let url = URL(string: text) else { throw mismatch(URL.self, value) }
            return try cast(url)
        }
        return try T(from: self)
    }

    private func cast<T, V>(_ value: V) throws -> T {
        guard let result = value as? T else { throw mismatch(T.self, self.value) }
        return result
    }

    // MARK: Scalars

    func decodeBool(_ key: (any CodingKey)? = nil) throws -> Bool {
        guard case .bool(let v) = value else { throw mismatch(Bool.self, value, key: key) }
        return v
    }

    func decodeString(_ key: (any CodingKey)? = nil) throws -> String {
        guard case .string(let v) = value else { throw mismatch(String.self, value, key: key) }
        return v
    }

    func decodeDouble(_ key: (any CodingKey)? = nil) throws -> Double {
        switch value {
        case .double(let v): return v
        case .int32(let v): return Double(v)
        case .int64(let v):
            guard let d = Double(exactly: v) else { throw corrupt("\(v) is not exactly representable as Double", key) }
            return d
        default: throw mismatch(Double.self, value, key: key)
        }
    }

    func decodeInteger<T: FixedWidthInteger>(_ type: T.Type, _ key: (any CodingKey)? = nil) throws -> T {
        let result: T?
        switch value {
        case .int32(let v): result = T(exactly: v)
        case .int64(let v): result = T(exactly: v)
        case .double(let v): result = T(exactly: v)
        default: throw mismatch(T.self, value, key: key)
        }
        guard let result else { throw corrupt("BSON \(value.typeName) \(value) does not fit \(T.self)", key) }
        return result
    }

    private func corrupt(_ message: String, _ key: (any CodingKey)?) -> DecodingError {
        .dataCorrupted(.init(codingPath: codingPath + (key.map { [$0] } ?? []), debugDescription: message))
    }
}

struct BSONKeyedDecodingContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let decoder: _BSONDecoder
    let document: BSONDocument
    /// Key positions, built for larger documents so lookups stay O(1).
    private let index: [String: Int]?

    init(decoder: _BSONDecoder, document: BSONDocument) {
        self.decoder = decoder
        self.document = document
        if document.count > 12 {
            var index = [String: Int](minimumCapacity: document.count)
            for (position, element) in document.storage.enumerated() where index[element.key] == nil {
                index[element.key] = position
            }
            self.index = index
        } else {
            index = nil
        }
    }

    var codingPath: [any CodingKey] { decoder.codingPath }
    var allKeys: [Key] { document.storage.compactMap { Key(stringValue: $0.key) } }

    private func lookup(_ key: Key) -> BSONValue? {
        if let index { return index[key.stringValue].map { document.storage[$0].value } }
        return document[key.stringValue]
    }

    private func child(_ key: Key) throws -> _BSONDecoder {
        guard let value = lookup(key) else {
            throw DecodingError.keyNotFound(key, .init(codingPath: codingPath, debugDescription: "no value for \(key.stringValue)"))
        }
        return decoder.child(value, key: key)
    }

    func contains(_ key: Key) -> Bool { lookup(key) != nil }

    func decodeNil(forKey key: Key) throws -> Bool {
        guard let value = lookup(key) else { return true }
        return value.isNull
    }

    func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool { try child(key).decodeBool() }
    func decode(_ type: String.Type, forKey key: Key) throws -> String { try child(key).decodeString() }
    func decode(_ type: Double.Type, forKey key: Key) throws -> Double { try child(key).decodeDouble() }
    func decode(_ type: Float.Type, forKey key: Key) throws -> Float { Float(try child(key).decodeDouble()) }
    func decode(_ type: Int.Type, forKey key: Key) throws -> Int { try child(key).decodeInteger(type) }
    func decode(_ type: Int8.Type, forKey key: Key) throws -> Int8 { try child(key).decodeInteger(type) }
    func decode(_ type: Int16.Type, forKey key: Key) throws -> Int16 { try child(key).decodeInteger(type) }
    func decode(_ type: Int32.Type, forKey key: Key) throws -> Int32 { try child(key).decodeInteger(type) }
    func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 { try child(key).decodeInteger(type) }
    func decode(_ type: UInt.Type, forKey key: Key) throws -> UInt { try child(key).decodeInteger(type) }
    func decode(_ type: UInt8.Type, forKey key: Key) throws -> UInt8 { try child(key).decodeInteger(type) }
    func decode(_ type: UInt16.Type, forKey key: Key) throws -> UInt16 { try child(key).decodeInteger(type) }
    func decode(_ type: UInt32.Type, forKey key: Key) throws -> UInt32 { try child(key).decodeInteger(type) }
    func decode(_ type: UInt64.Type, forKey key: Key) throws -> UInt64 { try child(key).decodeInteger(type) }
    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T { try child(key).unbox(type) }

    func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws -> KeyedDecodingContainer<NestedKey> {
        try child(key).container(keyedBy: type)
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer { try child(key).unkeyedContainer() }

    func superDecoder() throws -> any Decoder {
        decoder.child(document["super"] ?? .null, key: BSONKey("super"))
    }

    func superDecoder(forKey key: Key) throws -> any Decoder { decoder.child(lookup(key) ?? .null, key: key) }
}

struct BSONUnkeyedDecodingContainer: UnkeyedDecodingContainer {
    let decoder: _BSONDecoder
    let array: [BSONValue]
    var currentIndex = 0

    init(decoder: _BSONDecoder, array: [BSONValue]) {
        self.decoder = decoder
        self.array = array
    }

    var codingPath: [any CodingKey] { decoder.codingPath }
    var count: Int? { array.count }
    var isAtEnd: Bool { currentIndex >= array.count }

    private mutating func next<T>(_ type: T.Type) throws -> _BSONDecoder {
        guard !isAtEnd else {
            throw DecodingError.valueNotFound(type, .init(codingPath: codingPath + [BSONKey(intValue: currentIndex)],
                                                          debugDescription: "array has only \(array.count) elements"))
        }
        defer { currentIndex += 1 }
        return decoder.child(array[currentIndex], key: BSONKey(intValue: currentIndex))
    }

    mutating func decodeNil() throws -> Bool {
        guard !isAtEnd, array[currentIndex].isNull else { return false }
        currentIndex += 1
        return true
    }

    mutating func decode(_ type: Bool.Type) throws -> Bool { try next(type).decodeBool() }
    mutating func decode(_ type: String.Type) throws -> String { try next(type).decodeString() }
    mutating func decode(_ type: Double.Type) throws -> Double { try next(type).decodeDouble() }
    mutating func decode(_ type: Float.Type) throws -> Float { Float(try next(type).decodeDouble()) }
    mutating func decode(_ type: Int.Type) throws -> Int { try next(type).decodeInteger(type) }
    mutating func decode(_ type: Int8.Type) throws -> Int8 { try next(type).decodeInteger(type) }
    mutating func decode(_ type: Int16.Type) throws -> Int16 { try next(type).decodeInteger(type) }
    mutating func decode(_ type: Int32.Type) throws -> Int32 { try next(type).decodeInteger(type) }
    mutating func decode(_ type: Int64.Type) throws -> Int64 { try next(type).decodeInteger(type) }
    mutating func decode(_ type: UInt.Type) throws -> UInt { try next(type).decodeInteger(type) }
    mutating func decode(_ type: UInt8.Type) throws -> UInt8 { try next(type).decodeInteger(type) }
    mutating func decode(_ type: UInt16.Type) throws -> UInt16 { try next(type).decodeInteger(type) }
    mutating func decode(_ type: UInt32.Type) throws -> UInt32 { try next(type).decodeInteger(type) }
    mutating func decode(_ type: UInt64.Type) throws -> UInt64 { try next(type).decodeInteger(type) }
    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T { try next(type).unbox(type) }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws -> KeyedDecodingContainer<NestedKey> {
        try next([String: Any].self).container(keyedBy: type)
    }

    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer { try next([Any].self).unkeyedContainer() }

    mutating func superDecoder() throws -> any Decoder { try next(Any.self) }
}

struct BSONSingleValueDecodingContainer: SingleValueDecodingContainer {
    let decoder: _BSONDecoder
    var codingPath: [any CodingKey] { decoder.codingPath }

    func decodeNil() -> Bool { decoder.value.isNull }
    func decode(_ type: Bool.Type) throws -> Bool { try decoder.decodeBool() }
    func decode(_ type: String.Type) throws -> String { try decoder.decodeString() }
    func decode(_ type: Double.Type) throws -> Double { try decoder.decodeDouble() }
    func decode(_ type: Float.Type) throws -> Float { Float(try decoder.decodeDouble()) }
    func decode(_ type: Int.Type) throws -> Int { try decoder.decodeInteger(type) }
    func decode(_ type: Int8.Type) throws -> Int8 { try decoder.decodeInteger(type) }
    func decode(_ type: Int16.Type) throws -> Int16 { try decoder.decodeInteger(type) }
    func decode(_ type: Int32.Type) throws -> Int32 { try decoder.decodeInteger(type) }
    func decode(_ type: Int64.Type) throws -> Int64 { try decoder.decodeInteger(type) }
    func decode(_ type: UInt.Type) throws -> UInt { try decoder.decodeInteger(type) }
    func decode(_ type: UInt8.Type) throws -> UInt8 { try decoder.decodeInteger(type) }
    func decode(_ type: UInt16.Type) throws -> UInt16 { try decoder.decodeInteger(type) }
    func decode(_ type: UInt32.Type) throws -> UInt32 { try decoder.decodeInteger(type) }
    func decode(_ type: UInt64.Type) throws -> UInt64 { try decoder.decodeInteger(type) }
    func decode<T: Decodable>(_ type: T.Type) throws -> T { try decoder.unbox(type) }
}
