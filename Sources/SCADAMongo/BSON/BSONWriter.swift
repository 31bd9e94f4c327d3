import Foundation

/// Serialises ``BSONDocument`` to BSON bytes in pure Swift (no per-element C calls).
struct BSONWriter {
    private(set) var bytes: [UInt8]
    private var depth = 0

    /// Nesting deeper than this is refused (MongoDB's own limit is 100 levels for stored documents).
    static let maxDepth = 200

    init(capacity: Int = 256) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    mutating func write(document: BSONDocument) throws(MongoError) {
        let start = beginContainer()
        for (key, value) in document.storage { try write(key: key, value: value) }
        try endContainer(start)
    }

    private mutating func write(array: [BSONValue]) throws(MongoError) {
        let start = beginContainer()
        for (index, value) in array.enumerated() { try write(index: index, value: value) }
        try endContainer(start)
    }

    private mutating func beginContainer() -> Int {
        let start = bytes.count
        bytes.append(contentsOf: [0, 0, 0, 0] as [UInt8])
        depth += 1
        return start
    }

    private mutating func endContainer(_ start: Int) throws(MongoError) {
        depth -= 1
        bytes.append(0)
        let length = bytes.count - start
        guard length <= Int(Int32.max) else { throw MongoError(.invalidDocument, message: "document exceeds 2 GiB") }
        patchInt32(Int32(length), at: start)
    }

    private mutating func write(key: String, value: BSONValue) throws(MongoError) {
        bytes.append(value.typeCode)
        let start = bytes.count
        bytes.append(contentsOf: key.utf8)
        if bytes[start...].contains(0) {
            throw MongoError(.invalidDocument, message: "key contains a NUL byte: \(key.debugDescription)")
        }
        bytes.append(0)
        try write(payload: value)
    }

    private mutating func write(index: Int, value: BSONValue) throws(MongoError) {
        bytes.append(value.typeCode)
        if index < 10 {
            bytes.append(UInt8(ascii: "0") + UInt8(index))
        } else {
            bytes.append(contentsOf: String(index).utf8)
        }
        bytes.append(0)
        try write(payload: value)
    }

    private mutating func write(payload value: BSONValue) throws(MongoError) {
        switch value {
        case .double(let v): append(v.bitPattern)
        case .string(let v): write(string: v)
        case .document(let v):
            try checkDepth()
            try write(document: v)
        case .array(let v):
            try checkDepth()
            try write(array: v)
        case .binary(let v):
            guard v.count <= Int(Int32.max) else { throw MongoError(.invalidDocument, message: "binary exceeds 2 GiB") }
            append(UInt32(v.count))
            bytes.append(0)
            bytes.append(contentsOf: v)
        case .objectId(let v):
            append(v.high.bigEndian)
            append(v.low.bigEndian)
        case .bool(let v): bytes.append(v ? 1 : 0)
        case .datetime(let v): append(UInt64(bitPattern: v.bsonMilliseconds))
        case .null, .minKey, .maxKey: break
        case .regex(let v):
            try write(cString: v.pattern)
            try write(cString: v.options)
        case .int32(let v): append(UInt32(bitPattern: v))
        case .timestamp(let v):
            append(v.increment)
            append(v.timestamp)
        case .int64(let v): append(UInt64(bitPattern: v))
        case .decimal128(let v):
            append(v.low)
            append(v.high)
        }
    }

    private func checkDepth() throws(MongoError) {
        guard depth < Self.maxDepth else {
            throw MongoError(.invalidDocument, message: "document nesting deeper than \(Self.maxDepth) levels")
        }
    }

    private mutating func write(string: String) {
        let lengthAt = bytes.count
        bytes.append(contentsOf: [0, 0, 0, 0] as [UInt8])
        bytes.append(contentsOf: string.utf8)
        bytes.append(0)
        patchInt32(Int32(truncatingIfNeeded: bytes.count - lengthAt - 4), at: lengthAt)
    }

    private mutating func write(cString: String) throws(MongoError) {
        let start = bytes.count
        bytes.append(contentsOf: cString.utf8)
        if bytes[start...].contains(0) {
            throw MongoError(.invalidDocument, message: "regex contains a NUL byte")
        }
        bytes.append(0)
    }

    private mutating func append<T: FixedWidthInteger>(_ value: T) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    private mutating func patchInt32(_ value: Int32, at offset: Int) {
        let v = UInt32(bitPattern: value)
        bytes[offset] = UInt8(truncatingIfNeeded: v)
        bytes[offset + 1] = UInt8(truncatingIfNeeded: v >> 8)
        bytes[offset + 2] = UInt8(truncatingIfNeeded: v >> 16)
        bytes[offset + 3] = UInt8(truncatingIfNeeded: v >> 24)
    }
}

extension BSONValue {
    /// The BSON element type byte.
    var typeCode: UInt8 {
        switch self {
        case .double: 0x01
        case .string: 0x02
        case .document: 0x03
        case .array: 0x04
        case .binary: 0x05
        case .objectId: 0x07
        case .bool: 0x08
        case .datetime: 0x09
        case .null: 0x0A
        case .regex: 0x0B
        case .int32: 0x10
        case .timestamp: 0x11
        case .int64: 0x12
        case .decimal128: 0x13
        case .minKey: 0xFF
        case .maxKey: 0x7F
        }
    }
}

extension BSONDocument {
    /// The document as BSON bytes.
    ///
    /// Throws ``MongoError/Kind/invalidDocument`` for keys containing NUL or nesting beyond 200 levels.
    public var bsonBytes: [UInt8] {
        get throws(MongoError) {
            var writer = BSONWriter(capacity: 64 + 24 * storage.count)
            try writer.write(document: self)
            return writer.bytes
        }
    }
}
