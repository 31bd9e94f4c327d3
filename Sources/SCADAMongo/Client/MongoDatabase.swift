/// A database of a ``MongoClient``.
public struct MongoDatabase: Sendable {
    public let client: MongoClient
    public let name: String

    init(client: MongoClient, name: String) {
        self.client = client
        self.name = name
    }

    public func collection(_ name: String) -> MongoCollection { MongoCollection(database: self, name: name) }

    /// Runs a database command and returns the server's reply (`ok: 0` replies throw).
    public func runCommand(_ command: BSONDocument) async throws(MongoError) -> BSONDocument {
        let name = name
        return try await client.pool.withClient { (client: OpaquePointer) throws(MongoError) in
            try SCADAMongo.runCommand(client, database: name, command: command)
        }
    }

    /// Creates a collection with `options` (e.g. `timeseries: {timeField, metaField, granularity}`,
    /// `expireAfterSeconds`). An existing collection throws ``MongoError/Kind/namespaceExists``
    /// unless `ignoreExisting` is true.
    public func createCollection(
        _ name: String, options: BSONDocument = [:], ignoreExisting: Bool = false
    ) async throws(MongoError) {
        var command: BSONDocument = ["create": .string(name)]
        for (key, value) in options where key != "create" { command.append(key, value) }
        do {
            _ = try await runCommand(command)
        } catch where ignoreExisting && error.kind == .namespaceExists {
            return
        }
    }

    /// Names of the collections in this database.
    public func listCollectionNames() async throws(MongoError) -> [String] {
        let name = name
        return try await client.pool.withClient { (client: OpaquePointer) throws(MongoError) -> [String] in
            try DatabaseCalls.collectionNames(client, database: name)
        }
    }

    /// Descriptions of the collections (`name`, `type`, `options` such as `timeseries`), optionally
    /// filtered (e.g. `["name": "telemetry"]`; nx-27017 ignores the filter).
    public func listCollections(filter: BSONDocument? = nil) async throws(MongoError) -> [BSONDocument] {
        let name = name
        return try await client.pool.withClient { (client: OpaquePointer) throws(MongoError) -> [BSONDocument] in
            try DatabaseCalls.collections(client, database: name, filter: filter)
        }
    }

    /// Drops the database with all its collections.
    public func drop() async throws(MongoError) {
        let name = name
        try await client.pool.withClient { (client: OpaquePointer) throws(MongoError) in
            try DatabaseCalls.drop(client, database: name)
        }
    }
}
