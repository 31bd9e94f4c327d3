import CMongoC

/// Builds and executes one libmongoc bulk operation.
func executeBulk(
    _ collection: OpaquePointer, models: [MongoWriteModel], ordered: Bool, writeConcern: MongoWriteConcern,
    validateInserts: Bool = true
) throws(MongoError) -> MongoBulkWriteResult {
    try withBulk(collection, ordered: ordered, writeConcern: writeConcern, validateInserts: validateInserts) {
        (bulk, insertOptions) throws(MongoError) in
        try append(models, to: bulk, insertOptions: insertOptions)
    }
}

/// Creates a bulk operation (with `{validate: false}` insert options unless `validateInserts`), lets `fill` add
/// its operations, executes it and reads the reply.
private func withBulk(
    _ collection: OpaquePointer, ordered: Bool, writeConcern: MongoWriteConcern, validateInserts: Bool,
    _ fill: (_ bulk: OpaquePointer, _ insertOptions: OpaquePointer?) throws(MongoError) -> Void
) throws(MongoError) -> MongoBulkWriteResult {
    let options: BSONDocument = ["ordered": .bool(ordered), "writeConcern": .document(writeConcern.document)]
    guard let bulk = try options.withBSON({ (opts: OpaquePointer) throws(MongoError) -> OpaquePointer? in
        mongoc_collection_create_bulk_operation_with_opts(collection, opts)
    }) else {
        throw MongoError(.driver, message: "libmongoc could not create a bulk operation")
    }
    defer { mongoc_bulk_operation_destroy(bulk) }
    // `{validate: false}` once for every insert of the bulk (nil: libmongoc's default checks).
    let insertOptions: OpaquePointer? = validateInserts ? nil : bson_new()
    if let insertOptions { bson_append_bool(insertOptions, "validate", -1, false) }
    defer { if let insertOptions { bson_destroy(insertOptions) } }
    try fill(bulk, insertOptions)
    return try execute(bulk)
}

private func append(_ models: [MongoWriteModel], to bulk: OpaquePointer, insertOptions: OpaquePointer?) throws(MongoError) {
    var error = bson_error_t()
    let upsertOptions: BSONDocument = ["upsert": true]
    for model in models {
        let appended: Bool
        switch model {
        case .insertOne(let document):
            appended = try document.withBSON { (doc: OpaquePointer) throws(MongoError) in
                mongoc_bulk_operation_insert_with_opts(bulk, doc, insertOptions, &error)
            }
        case .updateOne(let filter, let update, let upsert):
            appended = try withPair(filter, update, upsert ? upsertOptions : nil) { f, u, o in
                mongoc_bulk_operation_update_one_with_opts(bulk, f, u, o, &error)
            }
        case .updateMany(let filter, let update, let upsert):
            appended = try withPair(filter, update, upsert ? upsertOptions : nil) { f, u, o in
                mongoc_bulk_operation_update_many_with_opts(bulk, f, u, o, &error)
            }
        case .replaceOne(let filter, let replacement, let upsert):
            appended = try withPair(filter, replacement, upsert ? upsertOptions : nil) { f, r, o in
                mongoc_bulk_operation_replace_one_with_opts(bulk, f, r, o, &error)
            }
        case .deleteOne(let filter):
            appended = try filter.withBSON { (f: OpaquePointer) throws(MongoError) in
                mongoc_bulk_operation_remove_one_with_opts(bulk, f, nil, &error)
            }
        case .deleteMany(let filter):
            appended = try filter.withBSON { (f: OpaquePointer) throws(MongoError) in
                mongoc_bulk_operation_remove_many_with_opts(bulk, f, nil, &error)
            }
        }
        guard appended else { throw MongoError(error) }
    }
}

/// Inserts every document of `batch` in one libmongoc bulk operation, each read in place from the batch's
/// buffer (no copy, no per-document conversion).
func executeBulkInsert(
    _ collection: OpaquePointer, batch: BSONDocumentBatch, ordered: Bool, writeConcern: MongoWriteConcern,
    validateInserts: Bool
) throws(MongoError) -> MongoBulkWriteResult {
    try withBulk(collection, ordered: ordered, writeConcern: writeConcern, validateInserts: validateInserts) {
        (bulk, insertOptions) throws(MongoError) in
        try appendInserts(of: batch, to: bulk, insertOptions: insertOptions)
    }
}

private func appendInserts(of batch: BSONDocumentBatch, to bulk: OpaquePointer, insertOptions: OpaquePointer?) throws(MongoError) {
    var error = bson_error_t()
    try withBSONStorage { (document: OpaquePointer) throws(MongoError) in
        try batch.forEachDocument { (index, bytes) throws(MongoError) in
            guard let base = bytes.baseAddress, bson_init_static(document, base, bytes.count) else {
                throw MongoError(.invalidDocument, message: "libbson rejected document \(index) of a batch")
            }
            guard mongoc_bulk_operation_insert_with_opts(bulk, document, insertOptions, &error) else { throw MongoError(error) }
        }
    }
}

/// Runs a built bulk operation and reads its reply.
private func execute(_ bulk: OpaquePointer) throws(MongoError) -> MongoBulkWriteResult {
    var error = bson_error_t()
    let (serverId, reply) = try withReply { (reply: OpaquePointer) throws(MongoError) -> UInt32 in
        mongoc_bulk_operation_execute(bulk, reply, &error)
    }
    let result = MongoBulkWriteResult(reply: reply)
    if serverId == 0 {
        if !result.writeErrors.isEmpty || !result.writeConcernErrors.isEmpty {
            let cause = MongoError(error, reply: reply)
            throw MongoError(.bulkWrite(result), domain: cause.domain, code: cause.code, message: cause.message)
        }
        throw MongoError(error, reply: reply)
    }
    return result
}

private func withPair<R>(
    _ first: BSONDocument, _ second: BSONDocument, _ options: BSONDocument?,
    _ body: (OpaquePointer, OpaquePointer, OpaquePointer?) -> R
) throws(MongoError) -> R {
    try first.withBSON { (a: OpaquePointer) throws(MongoError) -> R in
        try second.withBSON { (b: OpaquePointer) throws(MongoError) -> R in
            try withOptionalBSON(options) { (o: OpaquePointer?) throws(MongoError) -> R in body(a, b, o) }
        }
    }
}

extension MongoBulkWriteResult {
    /// Reads libmongoc's bulk reply (`nInserted`, `nMatched`, ..., `upserted`, `writeErrors`).
    init(reply: BSONDocument) {
        self.init()
        insertedCount = reply["nInserted"]?.intValue ?? 0
        matchedCount = reply["nMatched"]?.intValue ?? 0
        modifiedCount = reply["nModified"]?.intValue ?? 0
        upsertedCount = reply["nUpserted"]?.intValue ?? 0
        deletedCount = reply["nRemoved"]?.intValue ?? 0
        for item in reply["upserted"]?.arrayValue ?? [] {
            guard let entry = item.documentValue, let index = entry["index"]?.intValue, let id = entry["_id"] else { continue }
            upsertedIds[index] = id
        }
        writeErrors = (reply["writeErrors"]?.arrayValue ?? []).compactMap { item in
            guard let entry = item.documentValue else { return nil }
            return MongoWriteError(index: entry["index"]?.intValue ?? -1, code: entry["code"]?.intValue ?? 0,
                                   message: entry["errmsg"]?.stringValue ?? "")
        }
        writeConcernErrors = (reply["writeConcernErrors"]?.arrayValue ?? []).compactMap { item in
            guard let entry = item.documentValue else { return nil }
            return MongoWriteConcernError(code: entry["code"]?.intValue ?? 0, message: entry["errmsg"]?.stringValue ?? "")
        }
    }
}
