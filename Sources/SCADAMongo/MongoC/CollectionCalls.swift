import CMongoC

/// Blocking libmongoc calls on one collection handle; run on a pool thread.
enum CollectionCalls {
    static func find(_ collection: OpaquePointer, filter: BSONDocument, options: BSONDocument?) throws(MongoError) -> [BSONDocument] {
        let cursor = try filter.withBSON { (f: OpaquePointer) throws(MongoError) -> OpaquePointer? in
            try withOptionalBSON(options) { (o: OpaquePointer?) throws(MongoError) -> OpaquePointer? in
                mongoc_collection_find_with_opts(collection, f, o, nil)
            }
        }
        guard let cursor else { throw MongoError(.driver, message: "libmongoc returned no cursor") }
        return try drainCursor(cursor)
    }

    static func aggregate(_ collection: OpaquePointer, pipeline: [BSONDocument], options: BSONDocument?) throws(MongoError) -> [BSONDocument] {
        let pipelineDocument: BSONDocument = ["pipeline": .array(pipeline.map { .document($0) })]
        let cursor = try pipelineDocument.withBSON { (p: OpaquePointer) throws(MongoError) -> OpaquePointer? in
            try withOptionalBSON(options) { (o: OpaquePointer?) throws(MongoError) -> OpaquePointer? in
                mongoc_collection_aggregate(collection, MONGOC_QUERY_NONE, p, o, nil)
            }
        }
        guard let cursor else { throw MongoError(.driver, message: "libmongoc returned no cursor") }
        return try drainCursor(cursor)
    }

    static func countDocuments(_ collection: OpaquePointer, filter: BSONDocument) throws(MongoError) -> Int {
        var error = bson_error_t()
        let (count, reply) = try filter.withBSON { (f: OpaquePointer) throws(MongoError) in
            try withReply { (reply: OpaquePointer) throws(MongoError) -> Int64 in
                mongoc_collection_count_documents(collection, f, nil, nil, reply, &error)
            }
        }
        guard count >= 0 else { throw MongoError(error, reply: reply) }
        return Int(count)
    }

    static func estimatedDocumentCount(_ collection: OpaquePointer) throws(MongoError) -> Int {
        var error = bson_error_t()
        let (count, reply) = try withReply { (reply: OpaquePointer) throws(MongoError) -> Int64 in
            mongoc_collection_estimated_document_count(collection, nil, nil, reply, &error)
        }
        guard count >= 0 else { throw MongoError(error, reply: reply) }
        return Int(count)
    }

    /// Drops the collection; a missing one is not an error.
    static func drop(_ collection: OpaquePointer) throws(MongoError) {
        var error = bson_error_t()
        guard mongoc_collection_drop_with_opts(collection, nil, &error) else {
            let failure = MongoError(error)
            if failure.code == 26 { return }  // NamespaceNotFound (servers before 7.0)
            throw failure
        }
    }

    static func listIndexes(_ collection: OpaquePointer) throws(MongoError) -> [BSONDocument] {
        guard let cursor = mongoc_collection_find_indexes_with_opts(collection, nil) else {
            throw MongoError(.driver, message: "libmongoc returned no cursor")
        }
        return try drainCursor(cursor)
    }
}

/// Blocking libmongoc calls on one database; run on a pool thread.
enum DatabaseCalls {
    static func collectionNames(_ client: OpaquePointer, database: String) throws(MongoError) -> [String] {
        try withDatabase(client, database) { (handle: OpaquePointer) throws(MongoError) -> [String] in
            var error = bson_error_t()
            guard let names = mongoc_database_get_collection_names_with_opts(handle, nil, &error) else {
                throw MongoError(error)
            }
            defer { bson_strfreev(names) }
            var result: [String] = []
            var index = 0
            while let entry = names[index] {
                result.append(String(cString: entry))
                index += 1
            }
            return result
        }
    }

    static func collections(_ client: OpaquePointer, database: String, filter: BSONDocument?) throws(MongoError) -> [BSONDocument] {
        try withDatabase(client, database) { (handle: OpaquePointer) throws(MongoError) -> [BSONDocument] in
            let options: BSONDocument? = filter.map { ["filter": .document($0)] }
            let cursor = try withOptionalBSON(options) { (o: OpaquePointer?) throws(MongoError) -> OpaquePointer? in
                mongoc_database_find_collections_with_opts(handle, o)
            }
            guard let cursor else { throw MongoError(.driver, message: "libmongoc returned no cursor") }
            return try drainCursor(cursor)
        }
    }

    static func drop(_ client: OpaquePointer, database: String) throws(MongoError) {
        try withDatabase(client, database) { (handle: OpaquePointer) throws(MongoError) in
            var error = bson_error_t()
            guard mongoc_database_drop_with_opts(handle, nil, &error) else { throw MongoError(error) }
        }
    }
}
