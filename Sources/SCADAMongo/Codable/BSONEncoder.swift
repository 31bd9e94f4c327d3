import Foundation

/// Encodes `Encodable` values to ``BSONDocument``.
///
/// Mapping: `Int`, `Int64`, `UInt32` → int64; `Int32`, `Int16`, `Int8`, `UInt16`, `UInt8` → int32;
/// `UInt`/`UInt64` → int64 (values above `Int64.max` throw); `Double`, `Float` → double; `Bool`;
/// `String`; `Date` → datetime (millisecond precision); `Data` → binary; `URL` → string;
/// ``BSONObjectId``, ``BSONDocument`` and ``BSONValue`` as themselves; arrays → array; nested
/// types → embedded document. A `nil` optional is omitted by default (``NilEncodingStrategy``).
public struct BSONEncoder: Sendable {
    /// What a `nil` optional property becomes.
    public enum NilEncodingStrategy: Sendable {
        /// The key is left out (synthesized `encodeIfPresent`); decoding reads a missing key as nil.
        case omit
        /// The key is written with BSON null.
        case null
    }

    public var nilEncodingStrategy: NilEncodingStrategy = .omit
    public var userInfo: [CodingUserInfoKey: any Sendable] = [:]

    public init() {}

    /// Encodes `value`, which must encode a keyed container (a struct, class or dictionary).
    public func encode(_ value: some Encodable) throws(MongoError) -> BSONDocument {
        guard case .document(let document) = try encodeValue(value) else {
            throw MongoError(.invalidDocument, message: "\(type(of: value)) does not encode to a document")
        }
        return document
    }

    /// Encodes any `Encodable` value (also scalars and arrays) to a ``BSONValue``.
    public func encodeValue(_ value: some Encodable) throws(MongoError) -> BSONValue {
        do {
            let encoder = _BSONEncoder(codingPath: [], options: options)
            return try encoder.box(value).resolved
        } catch let error as MongoError {
            throw error
        } catch {
            throw MongoError(.invalidDocument, message: "cannot encode \(type(of: value)): \(error)")
        }
    }

    var options: _BSONEncoder.Options { .init(omitNil: nilEncodingStrategy == .omit, userInfo: userInfo) }
}

/// A value under construction: finished, or a container still being filled.
enum EncodedNode {
    case value(BSONValue)
    case document(DocumentBox)
    case array(ArrayBox)

    var resolved: BSONValue {
        switch self {
        case .value(let v): v
        case .document(let box): .document(BSONDocument(uncheckedElements: box.elements.map { ($0.0, $0.1.resolved) }))
        case .array(let box): .array(box.items.map(\.resolved))
        }
    }
}

final class DocumentBox {
    var elements: [(String, EncodedNode)] = []
    func set(_ key: String, _ node: EncodedNode) {
        if let index = elements.firstIndex(where: { $0.0 == key }) { elements[index].1 = node } else { elements.append((key, node)) }
    }
}

final class ArrayBox {
    var items: [EncodedNode] = []
}

struct BSONKey: CodingKey {
    var stringValue: String
    var intValue: Int?
    init(stringValue: String) { self.stringValue = stringValue }
    init(intValue: Int) {
        stringValue = String(intValue)
        self.intValue = intValue
    }
    init(_ string: String) { stringValue = string }
}

final class _BSONEncoder: Encoder {
    struct Options {
        var omitNil: Bool
        var userInfo: [CodingUserInfoKey: any Sendable]
    }

    let codingPath: [any CodingKey]
    let options: Options
    var userInfo: [CodingUserInfoKey: Any] { options.userInfo }
    var node: EncodedNode?

    init(codingPath: [any CodingKey], options: Options) {
        self.codingPath = codingPath
        self.options = options
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        let box: DocumentBox
        if case .document(let existing) = node {
            box = existing
        } else {
            box = DocumentBox()
            node = .document(box)
        }
        return KeyedEncodingContainer(BSONKeyedEncodingContainer<Key>(encoder: self, box: box))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        let box: ArrayBox
        if case .array(let existing) = node {
            box = existing
        } else {
            box = ArrayBox()
            node = .array(box)
        }
        return BSONUnkeyedEncodingContainer(encoder: self, box: box)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer { BSONSingleValueEncodingContainer(encoder: self) }

    /// Encodes `value` as a node, with BSON-native types (Date, ObjectId, Data, ...) written directly.
    func box<T: Encodable>(_ value: T, key: (any CodingKey)? = nil) throws -> EncodedNode {
        switch value {
        case let v as Date: return .value(.datetime(v))
        case let v as BSONObjectId: return .value(.objectId(v))
        case let v as BSONDocument: return .value(.document(v))
        case let v as BSONValue: return .value(v)
        case let v as Data: return .value(.binary([UInt8](v)))
        case let v as URL: return .value(.string(v.absoluteString))
        case let v as Decimal: return .value(.double(NSDecimalNumber(decimal: v).doubleValue))
        default: break
        }
        let child = _BSONEncoder(codingPath: key.map { codingPath + [$0] } ?? codingPath, options: options)
        try value.encode(to: child)
        return child.node ?? .value(.document(BSONDocument()))
    }

    func invalid(_ value: Any, _ reason: String, key: (any CodingKey)? = nil) -> EncodingError {
        EncodingError.invalidValue(value, .init(codingPath: codingPath + (key.map { [$0] } ?? []), debugDescription: reason))
    }

    func bson(_ value: UInt64, key: (any CodingKey)? = nil) throws -> BSONValue {
        guard let v = Int64(exactly: value) else { throw invalid(value, "\(value) exceeds Int64.max", key: key) }
        return .int64(v)
    }
}

struct BSONKeyedEncodingContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let encoder: _BSONEncoder
    let box: DocumentBox
    var codingPath: [any CodingKey] { encoder.codingPath }

    private func put(_ value: BSONValue, _ key: Key) { box.elements.append((key.stringValue, .value(value))) }

    mutating func encodeNil(forKey key: Key) throws { put(.null, key) }
    mutating func encode(_ value: Bool, forKey key: Key) throws { put(.bool(value), key) }
    mutating func encode(_ value: String, forKey key: Key) throws { put(.string(value), key) }
    mutating func encode(_ value: Double, forKey key: Key) throws { put(.double(value), key) }
    mutating func encode(_ value: Float, forKey key: Key) throws { put(.double(Double(value)), key) }
    mutating func encode(_ value: Int, forKey key: Key) throws { put(.int64(Int64(value)), key) }
    mutating func encode(_ value: Int8, forKey key: Key) throws { put(.int32(Int32(value)), key) }
    mutating func encode(_ value: Int16, forKey key: Key) throws { put(.int32(Int32(value)), key) }
    mutating func encode(_ value: Int32, forKey key: Key) throws { put(.int32(value), key) }
    mutating func encode(_ value: Int64, forKey key: Key) throws { put(.int64(value), key) }
    mutating func encode(_ value: UInt, forKey key: Key) throws { put(try encoder.bson(UInt64(value), key: key), key) }
    mutating func encode(_ value: UInt8, forKey key: Key) throws { put(.int32(Int32(value)), key) }
    mutating func encode(_ value: UInt16, forKey key: Key) throws { put(.int32(Int32(value)), key) }
    mutating func encode(_ value: UInt32, forKey key: Key) throws { put(.int64(Int64(value)), key) }
    mutating func encode(_ value: UInt64, forKey key: Key) throws { put(try encoder.bson(value, key: key), key) }
    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
        box.elements.append((key.stringValue, try encoder.box(value, key: key)))
    }

    // `nil` optionals: omitted, or null with `NilEncodingStrategy.null`.
    private mutating func present<T: Encodable>(_ value: T?, _ key: Key) throws {
        if let value { try encode(value, forKey: key) } else if !encoder.options.omitNil { put(.null, key) }
    }
    mutating func encodeIfPresent(_ value: Bool?, forKey key: Key) throws { try present(value, key) }
    mutating func encodeIfPresent(_ value: String?, forKey key: Key) throws { try present(value, key) }
    mutating func encodeIfPresent(_ value: Double?, forKey key: Key) throws { try present(value, key) }
    mutating func encodeIfPresent(_ value: Float?, forKey key: Key) throws { try present(value, key) }
    mutating func encodeIfPresent(_ value: Int?, forKey key: Key) throws { try present(value, key) }
    mutating func encodeIfPresent(_ value: Int8?, forKey key: Key) throws { try present(value, key) }
    mutating func encodeIfPresent(_ value: Int16?, forKey key: Key) throws { try present(value, key) }
    mutating func encodeIfPresent(_ value: Int32?, forKey key: Key) throws { try present(value, key) }
    mutating func encodeIfPresent(_ value: Int64?, forKey key: Key) throws { try present(value, key) }
    mutating func encodeIfPresent(_ value: UInt?, forKey key: Key) throws { try present(value, key) }
    mutating func encodeIfPresent(_ value: UInt8?, forKey key: Key) throws { try present(value, key) }
    mutating func encodeIfPresent(_ value: UInt16?, forKey key: Key) throws { try present(value, key) }
    mutating func encodeIfPresent(_ value: UInt32?, forKey key: Key) throws { try present(value, key) }
    mutating func encodeIfPresent(_ value: UInt64?, forKey key: Key) throws { try present(value, key) }
    mutating func encodeIfPresent<T: Encodable>(_ value: T?, forKey key: Key) throws { try present(value, key) }

    mutating func nestedContainer<NestedKey: CodingKey>(
        keyedBy keyType: NestedKey.Type, forKey key: Key
    ) -> KeyedEncodingContainer<NestedKey> {
        let child = DocumentBox()
        box.set(key.stringValue, .document(child))
        let nested = _BSONEncoder(codingPath: codingPath + [key], options: encoder.options)
        nested.node = .document(child)
        return KeyedEncodingContainer(BSONKeyedEncodingContainer<NestedKey>(encoder: nested, box: child))
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        let child = ArrayBox()
        box.set(key.stringValue, .array(child))
        let nested = _BSONEncoder(codingPath: codingPath + [key], options: encoder.options)
        nested.node = .array(child)
        return BSONUnkeyedEncodingContainer(encoder: nested, box: child)
    }

    mutating func superEncoder() -> any Encoder {
        SuperEncoder(parent: encoder, key: "super", codingPath: codingPath + [BSONKey("super")]) { [box] node in box.set("super", node) }
    }

    mutating func superEncoder(forKey key: Key) -> any Encoder {
        SuperEncoder(parent: encoder, key: key.stringValue, codingPath: codingPath + [key]) { [box] node in box.set(key.stringValue, node) }
    }
}

struct BSONUnkeyedEncodingContainer: UnkeyedEncodingContainer {
    let encoder: _BSONEncoder
    let box: ArrayBox
    var codingPath: [any CodingKey] { encoder.codingPath }
    var count: Int { box.items.count }

    private var nextKey: BSONKey { BSONKey(intValue: box.items.count) }
    private func put(_ value: BSONValue) { box.items.append(.value(value)) }

    mutating func encodeNil() throws { put(.null) }
    mutating func encode(_ value: Bool) throws { put(.bool(value)) }
    mutating func encode(_ value: String) throws { put(.string(value)) }
    mutating func encode(_ value: Double) throws { put(.double(value)) }
    mutating func encode(_ value: Float) throws { put(.double(Double(value))) }
    mutating func encode(_ value: Int) throws { put(.int64(Int64(value))) }
    mutating func encode(_ value: Int8) throws { put(.int32(Int32(value))) }
    mutating func encode(_ value: Int16) throws { put(.int32(Int32(value))) }
    mutating func encode(_ value: Int32) throws { put(.int32(value)) }
    mutating func encode(_ value: Int64) throws { put(.int64(value)) }
    mutating func encode(_ value: UInt) throws { put(try encoder.bson(UInt64(value), key: nextKey)) }
    mutating func encode(_ value: UInt8) throws { put(.int32(Int32(value))) }
    mutating func encode(_ value: UInt16) throws { put(.int32(Int32(value))) }
    mutating func encode(_ value: UInt32) throws { put(.int64(Int64(value))) }
    mutating func encode(_ value: UInt64) throws { put(try encoder.bson(value, key: nextKey)) }
    mutating func encode<T: Encodable>(_ value: T) throws { box.items.append(try encoder.box(value, key: nextKey)) }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
        let child = DocumentBox()
        let nested = _BSONEncoder(codingPath: codingPath + [nextKey], options: encoder.options)
        box.items.append(.document(child))
        nested.node = .document(child)
        return KeyedEncodingContainer(BSONKeyedEncodingContainer<NestedKey>(encoder: nested, box: child))
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        let child = ArrayBox()
        let nested = _BSONEncoder(codingPath: codingPath + [nextKey], options: encoder.options)
        box.items.append(.array(child))
        nested.node = .array(child)
        return BSONUnkeyedEncodingContainer(encoder: nested, box: child)
    }

    mutating func superEncoder() -> any Encoder {
        let index = box.items.count
        box.items.append(.value(.null))
        return SuperEncoder(parent: encoder, key: String(index), codingPath: codingPath + [BSONKey(intValue: index)]) { [box] node in
            box.items[index] = node
        }
    }
}

struct BSONSingleValueEncodingContainer: SingleValueEncodingContainer {
    let encoder: _BSONEncoder
    var codingPath: [any CodingKey] { encoder.codingPath }

    private func put(_ value: BSONValue) { encoder.node = .value(value) }

    mutating func encodeNil() throws { put(.null) }
    mutating func encode(_ value: Bool) throws { put(.bool(value)) }
    mutating func encode(_ value: String) throws { put(.string(value)) }
    mutating func encode(_ value: Double) throws { put(.double(value)) }
    mutating func encode(_ value: Float) throws { put(.double(Double(value))) }
    mutating func encode(_ value: Int) throws { put(.int64(Int64(value))) }
    mutating func encode(_ value: Int8) throws { put(.int32(Int32(value))) }
    mutating func encode(_ value: Int16) throws { put(.int32(Int32(value))) }
    mutating func encode(_ value: Int32) throws { put(.int32(value)) }
    mutating func encode(_ value: Int64) throws { put(.int64(value)) }
    mutating func encode(_ value: UInt) throws { put(try encoder.bson(UInt64(value))) }
    mutating func encode(_ value: UInt8) throws { put(.int32(Int32(value))) }
    mutating func encode(_ value: UInt16) throws { put(.int32(Int32(value))) }
    mutating func encode(_ value: UInt32) throws { put(.int64(Int64(value))) }
    mutating func encode(_ value: UInt64) throws { put(try encoder.bson(value)) }
    mutating func encode<T: Encodable>(_ value: T) throws { encoder.node = try encoder.box(value) }
}

/// The encoder handed to a superclass; writes its result into the parent container when released.
final class SuperEncoder: Encoder {
    private let inner: _BSONEncoder
    private let write: (EncodedNode) -> Void
    var codingPath: [any CodingKey] { inner.codingPath }
    var userInfo: [CodingUserInfoKey: Any] { inner.userInfo }

    init(parent: _BSONEncoder, key: String, codingPath: [any CodingKey], write: @escaping (EncodedNode) -> Void) {
        inner = _BSONEncoder(codingPath: codingPath, options: parent.options)
        self.write = write
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> { inner.container(keyedBy: type) }
    func unkeyedContainer() -> any UnkeyedEncodingContainer { inner.unkeyedContainer() }
    func singleValueContainer() -> any SingleValueEncodingContainer { inner.singleValueContainer() }

    deinit { write(inner.node ?? .value(.document(BSONDocument()))) }
}
