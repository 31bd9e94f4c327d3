
extension MongoCollection {
    /// Inserts `document`, adding an ObjectId `_id` first when it has none.
    /// A unique-index conflict throws ``MongoError/Kind/duplicateKey``.
    @discardableResult
    public func insertOne(
        _ document: BSONDocument, writeConcern: MongoWriteConcern? = nil
    ) async throws(MongoError) -> MongoInsertOneResult {
        var document = document
        let id: BSONValue
        if let existing = document["_id"] {
            id = existing
        } else {
            id = .objectId(BSONObjectId())
            document.storage.insert(("_id", id), at: 0)
        }
        _ = try await writeSingle(.insertOne(document), writeConcern: writeConcern)
        return MongoInsertOneResult(insertedId: id)
    }

    /// Inserts `documents` in one bulk (split into batches by libmongoc). With `ordered: false`
    /// every document is tried; failures throw ``MongoError/Kind/bulkWrite`` carrying the inserted
    /// count and per-document errors (``MongoError/isDuplicateKey`` tells whether all were duplicates).
    /// An empty array inserts nothing. `validateKeys: false` skips libmongoc's client-side check of field
    /// names and UTF-8, for documents the caller built itself from already validated data.
    @discardableResult
    public func insertMany(
        _ documents: [BSONDocument], ordered: Bool = true, writeConcern: MongoWriteConcern? = nil, validateKeys: Bool = true
    ) async throws(MongoError) -> MongoInsertManyResult {
        guard !documents.isEmpty else { return MongoInsertManyResult(insertedCount: 0) }
        let concern = writeConcern ?? database.client.configuration.writeConcern
        let models = documents.map { MongoWriteModel.insertOne($0) }
        let result = try await withHandle { (collection: OpaquePointer) throws(MongoError) -> MongoBulkWriteResult in
            try executeBulk(collection, models: models, ordered: ordered, writeConcern: concern, validateInserts: validateKeys)
        }
        return MongoInsertManyResult(insertedCount: result.insertedCount)
    }

    /// Inserts the documents of `batch` (built with ``BSONBuilder``) in one bulk, reading them in place from
    /// the batch's buffer. Results and errors as ``insertMany(_:ordered:writeConcern:validateKeys:)``; error
    /// indexes are positions in the batch.
    @discardableResult
    public func insertMany(
        _ batch: BSONDocumentBatch, ordered: Bool = true, writeConcern: MongoWriteConcern? = nil, validateKeys: Bool = true
    ) async throws(MongoError) -> MongoInsertManyResult {
        guard !batch.isEmpty else { return MongoInsertManyResult(insertedCount: 0) }
        let concern = writeConcern ?? database.client.configuration.writeConcern
        let result = try await withHandle { (collection: OpaquePointer) throws(MongoError) -> MongoBulkWriteResult in
            try executeBulkInsert(collection, batch: batch, ordered: ordered, writeConcern: concern, validateInserts: validateKeys)
        }
        return MongoInsertManyResult(insertedCount: result.insertedCount)
    }

    /// Executes `models` as one bulk write (unordered by default: every model is tried).
    ///
    /// When some models fail, throws ``MongoError/Kind/bulkWrite`` whose result holds the counts of
    /// what was applied and an error (index, code, message) per failed model. Write concern
    /// `.unacknowledged` returns zero counts. An empty array does nothing.
    @discardableResult
    public func bulkWrite(
        _ models: [MongoWriteModel], ordered: Bool = false, writeConcern: MongoWriteConcern? = nil
    ) async throws(MongoError) -> MongoBulkWriteResult {
        guard !models.isEmpty else { return MongoBulkWriteResult() }
        let concern = writeConcern ?? database.client.configuration.writeConcern
        return try await withHandle { (collection: OpaquePointer) throws(MongoError) -> MongoBulkWriteResult in
            try executeBulk(collection, models: models, ordered: ordered, writeConcern: concern)
        }
    }

    /// Applies operators in `update` to the first document matching `filter` (inserting one if
    /// `upsert` and none matches).
    @discardableResult
    public func updateOne(
        filter: BSONDocument, update: BSONDocument, upsert: Bool = false, writeConcern: MongoWriteConcern? = nil
    ) async throws(MongoError) -> MongoUpdateResult {
        try await writeSingle(.updateOne(filter: filter, update: update, upsert: upsert), writeConcern: writeConcern).updateResult
    }

    /// Applies operators in `update` to every document matching `filter`.
    @discardableResult
    public func updateMany(
        filter: BSONDocument, update: BSONDocument, upsert: Bool = false, writeConcern: MongoWriteConcern? = nil
    ) async throws(MongoError) -> MongoUpdateResult {
        try await writeSingle(.updateMany(filter: filter, update: update, upsert: upsert), writeConcern: writeConcern).updateResult
    }

    /// Replaces the first document matching `filter` with `replacement`.
    @discardableResult
    public func replaceOne(
        filter: BSONDocument, replacement: BSONDocument, upsert: Bool = false, writeConcern: MongoWriteConcern? = nil
    ) async throws(MongoError) -> MongoUpdateResult {
        try await writeSingle(.replaceOne(filter: filter, replacement: replacement, upsert: upsert),
                              writeConcern: writeConcern).updateResult
    }

    /// Deletes the first document matching `filter`; returns the number deleted (0 or 1).
    @discardableResult
    public func deleteOne(_ filter: BSONDocument, writeConcern: MongoWriteConcern? = nil) async throws(MongoError) -> Int {
        try await writeSingle(.deleteOne(filter), writeConcern: writeConcern).deletedCount
    }

    /// Deletes every document matching `filter`; returns the number deleted.
    @discardableResult
    public func deleteMany(_ filter: BSONDocument, writeConcern: MongoWriteConcern? = nil) async throws(MongoError) -> Int {
        try await writeSingle(.deleteMany(filter), writeConcern: writeConcern).deletedCount
    }

    /// One model as a bulk; its single write error is rethrown with its own kind (e.g. `.duplicateKey`).
    private func writeSingle(_ model: MongoWriteModel, writeConcern: MongoWriteConcern?) async throws(MongoError) -> MongoBulkWriteResult {
        do {
            return try await bulkWrite([model], ordered: true, writeConcern: writeConcern)
        } catch {
            guard case .bulkWrite(let result) = error.kind, result.writeConcernErrors.isEmpty,
                  result.writeErrors.count == 1 else { throw error }
            let item = result.writeErrors[0]
            let kind: MongoError.Kind = item.isDuplicateKey ? .duplicateKey : .command(code: item.code, message: item.message)
            throw MongoError(kind, domain: error.domain, code: UInt32(clamping: item.code), message: item.message)
        }
    }
}

extension MongoBulkWriteResult {
    var updateResult: MongoUpdateResult {
        MongoUpdateResult(matchedCount: matchedCount, modifiedCount: modifiedCount, upsertedCount: upsertedCount,
                          upsertedId: upsertedIds[0])
    }
}
