/// Writes one BSON document's elements straight into bytes, with no ``BSONDocument`` tree in between.
///
/// For hot paths that build many documents of a known shape (e.g. one stored telemetry sample per Kafka
/// record). Keys are appended as given, without checking for repeats; a key containing a NUL byte makes
/// the document invalid (``BSONDocumentBatch/append(_:)`` then refuses it).
public struct BSONBuilder: ~Copyable {
    var bytes: [UInt8]
    /// The first problem met (a key with a NUL byte), if any.
    var problem: String?

    init(bytes: consuming [UInt8]) { self.bytes = bytes }

    consuming func finish() -> (bytes: [UInt8], problem: String?) { (bytes, problem) }

    public mutating func append(_ key: String, double value: Double) {
        appendKey(key, type: 0x01)
        appendInteger(value.bitPattern)
    }

    public mutating func append(_ key: String, string value: String) {
        appendKey(key, type: 0x02)
        var text = value
        let count = text.withUTF8 { $0.count }
        appendInteger(UInt32(truncatingIfNeeded: count + 1))
        text.withUTF8 { bytes.append(contentsOf: $0) }
        bytes.append(0)
    }

    public mutating func append(_ key: String, bool value: Bool) {
        appendKey(key, type: 0x08)
        bytes.append(value ? 1 : 0)
    }

    /// A UTC datetime in milliseconds since 1970-01-01.
    public mutating func append(_ key: String, datetimeMilliseconds value: Int64) {
        appendKey(key, type: 0x09)
        appendInteger(UInt64(bitPattern: value))
    }

    public mutating func append(_ key: String, int64 value: Int64) {
        appendKey(key, type: 0x12)
        appendInteger(UInt64(bitPattern: value))
    }

    /// An embedded document whose elements `build` appends.
    public mutating func appendDocument(_ key: String, _ build: (inout BSONBuilder) -> Void) {
        appendKey(key, type: 0x03)
        let start = beginDocument()
        build(&self)
        endDocument(start)
    }

    mutating func beginDocument() -> Int {
        let start = bytes.count
        bytes.append(contentsOf: [0, 0, 0, 0] as [UInt8])
        return start
    }

    mutating func endDocument(_ start: Int) {
        bytes.append(0)
        let length = UInt32(truncatingIfNeeded: bytes.count - start)
        bytes.withUnsafeMutableBytes { raw in raw.storeBytes(of: length.littleEndian, toByteOffset: start, as: UInt32.self) }
    }

    private mutating func appendKey(_ key: String, type: UInt8) {
        bytes.append(type)
        var name = key
        name.withUTF8 { utf8 in
            if problem == nil, utf8.contains(0) { problem = "key contains a NUL byte: \(key.debugDescription)" }
            bytes.append(contentsOf: utf8)
        }
        bytes.append(0)
    }

    private mutating func appendInteger<T: FixedWidthInteger>(_ value: T) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }
}

/// Documents encoded back to back into one buffer: a bulk insert of many documents with one allocation
/// instead of one tree and one byte array per document.
public struct BSONDocumentBatch: Sendable {
    private(set) var bytes: [UInt8] = []
    /// Start of each document in `bytes`.
    private(set) var offsets: [Int] = []

    /// An empty batch with room for about `bytes` bytes and `documents` documents.
    public init(reservingBytes byteCapacity: Int = 0, documents: Int = 0) {
        bytes.reserveCapacity(byteCapacity)
        offsets.reserveCapacity(documents)
    }

    public var count: Int { offsets.count }
    public var isEmpty: Bool { offsets.isEmpty }
    /// Bytes used by all documents.
    public var byteCount: Int { bytes.count }

    /// Appends one document whose elements `build` appends. A document with a key containing a NUL byte is
    /// not appended: throws ``MongoError/Kind/invalidDocument`` and leaves the batch as it was.
    public mutating func append(_ build: (inout BSONBuilder) -> Void) throws(MongoError) {
        var builder = BSONBuilder(bytes: take())
        let start = builder.beginDocument()
        build(&builder)
        builder.endDocument(start)
        let problem: String?
        (bytes, problem) = builder.finish()
        if let problem {
            bytes.removeSubrange(start...)
            throw MongoError(.invalidDocument, message: problem)
        }
        offsets.append(start)
    }

    /// The document at `index` (decoded; for tests and error reports).
    public func document(at index: Int) throws(MongoError) -> BSONDocument {
        let range = self.range(at: index)
        let result = bytes[range].withUnsafeBytes { raw in Result { () throws(MongoError) in try BSONDocument(bsonBuffer: raw) } }
        return try result.get()
    }

    func range(at index: Int) -> Range<Int> {
        offsets[index]..<(index + 1 < offsets.count ? offsets[index + 1] : bytes.count)
    }

    /// Calls `body` with the index and the bytes of each document in turn (valid only inside `body`).
    func forEachDocument(_ body: (Int, UnsafeBufferPointer<UInt8>) throws(MongoError) -> Void) throws(MongoError) {
        let result = bytes.withUnsafeBufferPointer { all in
            Result { () throws(MongoError) in
                for index in offsets.indices { try body(index, UnsafeBufferPointer(rebasing: all[range(at: index)])) }
            }
        }
        try result.get()
    }

    private mutating func take() -> [UInt8] {
        var taken: [UInt8] = []
        swap(&taken, &bytes)
        return taken
    }
}
