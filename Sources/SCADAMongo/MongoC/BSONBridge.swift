import CMongoC

/// `bson_t` is a 128-byte struct declared 128-byte aligned by Debian's libbson (BSON_EXTRA_ALIGN);
/// Swift sees it as opaque (`OpaquePointer`), so its storage is allocated here by size and alignment.
let bsonTSize = 128
let bsonTAlignment = 128

extension BSONDocument {
    /// Calls `body` with a read-only `bson_t *` over this document's bytes (valid only inside `body`).
    func withBSON<R>(_ body: (OpaquePointer) throws(MongoError) -> R) throws(MongoError) -> R {
        let bytes = try bsonBytes
        let result = bytes.withUnsafeBufferPointer { data in
            Result { () throws(MongoError) -> R in
                try withBSONStorage { (storage: OpaquePointer) throws(MongoError) -> R in
                    guard let base = data.baseAddress, bson_init_static(storage, base, data.count) else {
                        throw MongoError(.invalidDocument, message: "libbson rejected an encoded document")
                    }
                    return try body(storage)
                }
            }
        }
        return try result.get()
    }

    /// Reads a `bson_t *` libbson or libmongoc produced. Its data starts with its own int32 length.
    init(bson: OpaquePointer) throws(MongoError) {
        guard let data = bson_get_data(bson) else { throw MongoError(.invalidDocument, message: "empty bson_t") }
        let length = Int(Int32(littleEndian: UnsafeRawPointer(data).loadUnaligned(as: Int32.self)))
        try self.init(bsonBuffer: UnsafeRawBufferPointer(start: data, count: Swift.max(5, length)))
    }
}

/// Calls `body` with uninitialised, correctly aligned storage for one `bson_t`.
func withBSONStorage<R>(_ body: (OpaquePointer) throws(MongoError) -> R) throws(MongoError) -> R {
    let raw = UnsafeMutableRawPointer.allocate(byteCount: bsonTSize, alignment: bsonTAlignment)
    defer { raw.deallocate() }
    return try body(OpaquePointer(raw))
}

/// Calls `body` with an initialised empty `bson_t` for a libmongoc `reply` out-parameter, then
/// reads what libmongoc left there and destroys it. Returns `body`'s result and the reply.
func withReply<R>(_ body: (OpaquePointer) throws(MongoError) -> R) throws(MongoError) -> (R, BSONDocument) {
    try withBSONStorage { (reply: OpaquePointer) throws(MongoError) -> (R, BSONDocument) in
        bson_init(reply)
        defer { bson_destroy(reply) }
        let result = try body(reply)
        let document = (try? BSONDocument(bson: reply)) ?? BSONDocument()
        return (result, document)
    }
}
