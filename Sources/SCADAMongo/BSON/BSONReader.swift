import Foundation

/// Parses BSON bytes into ``BSONDocument`` in pure Swift, checking every length against the buffer.
struct BSONReader {
    private let buffer: UnsafeRawBufferPointer

    /// Parses exactly one document filling `buffer`.
    static func document(from buffer: UnsafeRawBufferPointer) throws(MongoError) -> BSONDocument {
        let reader = BSONReader(buffer: buffer)
        var offset = 0
        let document = try reader.readDocument(at: &offset, depth: 0)
        guard offset == buffer.count else { throw corrupt("\(buffer.count - offset) trailing bytes after the document") }
        return document
    }

    private init(buffer: UnsafeRawBufferPointer) { self.buffer = buffer }

    private static func corrupt(_ what: String) -> MongoError {
        MongoError(.invalidDocument, message: "invalid BSON: \(what)")
    }

    private func readDocument(at offset: inout Int, depth: Int) throws(MongoError) -> BSONDocument {
        var elements: [BSONDocument.Element] = []
        try readContainer(at: &offset, depth: depth) { (key: String, value: BSONValue) in elements.append((key, value)) }
        return BSONDocument(uncheckedElements: elements)
    }

    private func readArray(at offset: inout Int, depth: Int) throws(MongoError) -> [BSONValue] {
        var values: [BSONValue] = []
        try readContainer(at: &offset, depth: depth, keepKeys: false) { (_: String, value: BSONValue) in values.append(value) }
        return values
    }

    private func readContainer(
        at offset: inout Int, depth: Int, keepKeys: Bool = true, _ add: (String, BSONValue) -> Void
    ) throws(MongoError) {
        guard depth <= BSONWriter.maxDepth else { throw Self.corrupt("nesting deeper than \(BSONWriter.maxDepth) levels") }
        let start = offset
        let length = Int(try readInt32(at: &offset))
        guard length >= 5, length <= buffer.count - start else { throw Self.corrupt("document length \(length) at \(start)") }
        let end = start + length - 1  // offset of the terminating NUL
        guard buffer[end] == 0 else { throw Self.corrupt("document at \(start) is not NUL-terminated") }
        while offset < end {
            let type = buffer[offset]
            offset += 1
            let key = try readCString(at: &offset, limit: end, keep: keepKeys)
            let value = try readValue(type: type, at: &offset, limit: end, depth: depth)
            add(key, value)
        }
        guard offset == end else { throw Self.corrupt("element overruns its document at \(start)") }
        offset = end + 1
    }

    private func readValue(type: UInt8, at offset: inout Int, limit: Int, depth: Int) throws(MongoError) -> BSONValue {
        switch type {
        case 0x01: return .double(Double(bitPattern: try read(UInt64.self, at: &offset, limit: limit)))
        case 0x02, 0x0E: return .string(try readString(at: &offset, limit: limit))
        case 0x03: return .document(try readDocument(at: &offset, depth: depth + 1))
        case 0x04: return .array(try readArray(at: &offset, depth: depth + 1))
        case 0x05:
            let length = Int(try readInt32(at: &offset))
            let subtype = try read(UInt8.self, at: &offset, limit: limit)
            guard length >= 0, length <= limit - offset else { throw Self.corrupt("binary length \(length)") }
            var bytes = Array(UnsafeRawBufferPointer(rebasing: buffer[offset..<offset + length]))
            offset += length
            if subtype == 0x02, bytes.count >= 4 { bytes.removeFirst(4) }  // old binary subtype: inner length
            return .binary(bytes)
        case 0x06: return .null  // undefined (deprecated)
        case 0x07:
            guard limit - offset >= 12 else { throw Self.corrupt("truncated ObjectId") }
            let id = BSONObjectId(validBytes: Array(UnsafeRawBufferPointer(rebasing: buffer[offset..<offset + 12]))[...])
            offset += 12
            return .objectId(id)
        case 0x08:
            let byte = try read(UInt8.self, at: &offset, limit: limit)
            guard byte <= 1 else { throw Self.corrupt("boolean byte \(byte)") }
            return .bool(byte == 1)
        case 0x09: return .datetime(Date(bsonMilliseconds: Int64(bitPattern: try read(UInt64.self, at: &offset, limit: limit))))
        case 0x0A: return .null
        case 0x0B:
            let pattern = try readCString(at: &offset, limit: limit)
            let options = try readCString(at: &offset, limit: limit)
            return .regex(BSONRegex(pattern: pattern, options: options))
        case 0x10: return .int32(Int32(bitPattern: try read(UInt32.self, at: &offset, limit: limit)))
        case 0x11:
            let increment = try read(UInt32.self, at: &offset, limit: limit)
            let timestamp = try read(UInt32.self, at: &offset, limit: limit)
            return .timestamp(BSONTimestamp(timestamp: timestamp, increment: increment))
        case 0x12: return .int64(Int64(bitPattern: try read(UInt64.self, at: &offset, limit: limit)))
        case 0x13:
            let low = try read(UInt64.self, at: &offset, limit: limit)
            let high = try read(UInt64.self, at: &offset, limit: limit)
            return .decimal128(BSONDecimal128(low: low, high: high))
        case 0xFF: return .minKey
        case 0x7F: return .maxKey
        default:
            throw MongoError(.invalidDocument, message: "unsupported BSON element type 0x\(String(type, radix: 16))")
        }
    }

    private func read<T: FixedWidthInteger>(_: T.Type, at offset: inout Int, limit: Int) throws(MongoError) -> T {
        let size = MemoryLayout<T>.size
        guard limit - offset >= size else { throw Self.corrupt("truncated value at \(offset)") }
        let value = buffer.loadUnaligned(fromByteOffset: offset, as: T.self)
        offset += size
        return T(littleEndian: value)
    }

    private func readInt32(at offset: inout Int) throws(MongoError) -> Int32 {
        Int32(bitPattern: try read(UInt32.self, at: &offset, limit: buffer.count))
    }

    private func readString(at offset: inout Int, limit: Int) throws(MongoError) -> String {
        let length = Int(try read(UInt32.self, at: &offset, limit: limit))
        guard length >= 1, length <= limit - offset, buffer[offset + length - 1] == 0 else {
            throw Self.corrupt("string length \(length) at \(offset)")
        }
        let text = String(decoding: UnsafeRawBufferPointer(rebasing: buffer[offset..<offset + length - 1]), as: UTF8.self)
        offset += length
        return text
    }

    private func readCString(at offset: inout Int, limit: Int, keep: Bool = true) throws(MongoError) -> String {
        var end = offset
        while end < limit, buffer[end] != 0 { end += 1 }
        guard end < limit else { throw Self.corrupt("unterminated key or C string at \(offset)") }
        let text = keep ? String(decoding: UnsafeRawBufferPointer(rebasing: buffer[offset..<end]), as: UTF8.self) : ""
        offset = end + 1
        return text
    }
}

extension BSONDocument {
    /// Parses one BSON document; throws ``MongoError/Kind/invalidDocument`` for malformed bytes.
    /// Invalid UTF-8 in strings is repaired with U+FFFD.
    public init(fromBSON bytes: [UInt8]) throws(MongoError) {
        let result = bytes.withUnsafeBytes { raw in
            Result { () throws(MongoError) in try BSONReader.document(from: raw) }
        }
        self = try result.get()
    }

    /// Parses the BSON document in `buffer`.
    init(bsonBuffer buffer: UnsafeRawBufferPointer) throws(MongoError) {
        self = try BSONReader.document(from: buffer)
    }
}
