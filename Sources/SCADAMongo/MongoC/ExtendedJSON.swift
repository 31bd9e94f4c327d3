import CMongoC

extension BSONDocument {
    /// Parses MongoDB extended JSON (relaxed or canonical, e.g. `{"n": {"$numberLong": "5"}}`) with libbson.
    /// Plain JSON numbers become int32, int64 or double by their form and size.
    public init(json: String) throws(MongoError) {
        var error = bson_error_t()
        let utf8 = Array(json.utf8)
        let parsed = utf8.withUnsafeBufferPointer { buffer in
            bson_new_from_json(buffer.baseAddress, buffer.count, &error)
        }
        guard let parsed else {
            throw MongoError(.invalidDocument, domain: error.domain, code: error.code,
                             message: "invalid extended JSON: \(MongoError(error).message)")
        }
        defer { bson_destroy(parsed) }
        try self.init(bson: parsed)
    }

    /// Relaxed extended JSON (numbers as plain JSON where exact, `{"$date": ...}`, `{"$oid": ...}`).
    public var extendedJSON: String {
        get throws(MongoError) { try json(canonical: false) }
    }

    /// Canonical extended JSON: every value typed (`{"$numberLong": "5"}`), for lossless exchange.
    public var canonicalExtendedJSON: String {
        get throws(MongoError) { try json(canonical: true) }
    }

    private func json(canonical: Bool) throws(MongoError) -> String {
        try withBSON { (bson: OpaquePointer) throws(MongoError) -> String in
            var length = 0
            let text = canonical
                ? bson_as_canonical_extended_json(bson, &length)
                : bson_as_relaxed_extended_json(bson, &length)
            guard let text else { throw MongoError(.invalidDocument, message: "libbson could not render the document as JSON") }
            defer { bson_free(text) }
            return String(decoding: UnsafeRawBufferPointer(start: text, count: length), as: UTF8.self)
        }
    }
}
