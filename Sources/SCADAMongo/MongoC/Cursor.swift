import CMongoC

/// Reads every document of a libmongoc cursor, then destroys it.
func drainCursor(_ cursor: OpaquePointer) throws(MongoError) -> [BSONDocument] {
    defer { mongoc_cursor_destroy(cursor) }
    var documents: [BSONDocument] = []
    var current: OpaquePointer?
    while mongoc_cursor_next(cursor, &current) {
        if let current { documents.append(try BSONDocument(bson: current)) }
    }
    var error = bson_error_t()
    var reply: OpaquePointer?
    if mongoc_cursor_error_document(cursor, &error, &reply) {
        throw MongoError(error, reply: reply.flatMap { try? BSONDocument(bson: $0) })
    }
    return documents
}

/// Calls `body` with `document` as a `bson_t`, or with nil when `document` is nil or empty.
func withOptionalBSON<R>(
    _ document: BSONDocument?, _ body: (OpaquePointer?) throws(MongoError) -> R
) throws(MongoError) -> R {
    guard let document, !document.isEmpty else { return try body(nil) }
    return try document.withBSON { (pointer: OpaquePointer) throws(MongoError) -> R in try body(pointer) }
}

/// Calls `body` with a collection handle of `client`, destroyed afterwards.
func withCollection<R>(
    _ client: OpaquePointer, _ database: String, _ collection: String, _ body: (OpaquePointer) throws(MongoError) -> R
) throws(MongoError) -> R {
    guard let handle = mongoc_client_get_collection(client, database, collection) else {
        throw MongoError(.invalidArgument, message: "invalid collection \(database).\(collection)")
    }
    defer { mongoc_collection_destroy(handle) }
    return try body(handle)
}

/// Calls `body` with a database handle of `client`, destroyed afterwards.
func withDatabase<R>(
    _ client: OpaquePointer, _ database: String, _ body: (OpaquePointer) throws(MongoError) -> R
) throws(MongoError) -> R {
    guard let handle = mongoc_client_get_database(client, database) else {
        throw MongoError(.invalidArgument, message: "invalid database \(database)")
    }
    defer { mongoc_database_destroy(handle) }
    return try body(handle)
}

/// Runs `command` against `database` on `client` and returns the server's reply.
func runCommand(_ client: OpaquePointer, database: String, command: BSONDocument) throws(MongoError) -> BSONDocument {
    var error = bson_error_t()
    let (ok, reply) = try command.withBSON { (cmd: OpaquePointer) throws(MongoError) in
        try withReply { (reply: OpaquePointer) throws(MongoError) -> Bool in
            mongoc_client_command_with_opts(client, database, cmd, nil, nil, reply, &error)
        }
    }
    guard ok else { throw MongoError(error, reply: reply) }
    return reply
}
