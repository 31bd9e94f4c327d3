/// A collection: queries here, writes in `MongoCollection+Writes.swift`, indexes in `+Indexes`.
public struct MongoCollection: Sendable {
    public let database: MongoDatabase
    public let name: String

    init(database: MongoDatabase, name: String) {
        self.database = database
        self.name = name
    }

    var pool: ClientPool { database.client.pool }

    /// Runs `body` with a libmongoc collection handle on a pool thread.
    func withHandle<T: Sendable>(
        _ body: @escaping @Sendable (OpaquePointer) throws(MongoError) -> T
    ) async throws(MongoError) -> T {
        let databaseName = database.name
        let name = name
        return try await pool.withClient { (client: OpaquePointer) throws(MongoError) -> T in
            try withCollection(client, databaseName, name, body)
        }
    }

    /// Documents matching `filter`, with sort, skip, limit, projection and batch size from `options`.
    public func find(_ filter: BSONDocument = [:], options: MongoFindOptions = .init()) async throws(MongoError) -> [BSONDocument] {
        let optionsDocument = options.document
        return try await withHandle { (collection: OpaquePointer) throws(MongoError) -> [BSONDocument] in
            try CollectionCalls.find(collection, filter: filter, options: optionsDocument)
        }
    }

    /// The first document matching `filter` (in `options.sort` order), or nil.
    public func findOne(_ filter: BSONDocument = [:], options: MongoFindOptions = .init()) async throws(MongoError) -> BSONDocument? {
        var options = options
        options.limit = 1
        options.batchSize = nil
        return try await find(filter, options: options).first
    }

    /// Runs an aggregation pipeline (`$match`, `$group`, `$sort`, ...) and returns its output.
    public func aggregate(_ pipeline: [BSONDocument], allowDiskUse: Bool = false) async throws(MongoError) -> [BSONDocument] {
        let options: BSONDocument? = allowDiskUse ? ["allowDiskUse": true] : nil
        return try await withHandle { (collection: OpaquePointer) throws(MongoError) -> [BSONDocument] in
            try CollectionCalls.aggregate(collection, pipeline: pipeline, options: options)
        }
    }

    /// Number of documents matching `filter` (an aggregation, exact).
    public func countDocuments(_ filter: BSONDocument = [:]) async throws(MongoError) -> Int {
        try await withHandle { (collection: OpaquePointer) throws(MongoError) -> Int in
            try CollectionCalls.countDocuments(collection, filter: filter)
        }
    }

    /// The collection's size from its metadata (fast, may be approximate).
    public func estimatedDocumentCount() async throws(MongoError) -> Int {
        try await withHandle { (collection: OpaquePointer) throws(MongoError) -> Int in
            try CollectionCalls.estimatedDocumentCount(collection)
        }
    }

    /// Drops the collection; a missing collection is not an error.
    public func drop() async throws(MongoError) {
        try await withHandle { (collection: OpaquePointer) throws(MongoError) in try CollectionCalls.drop(collection) }
    }
}
