extension MongoCollection {
    /// Creates `models` in one `createIndexes` command (an identical existing index is not an error).
    public func createIndexes(_ models: [MongoIndexModel]) async throws(MongoError) {
        guard !models.isEmpty else { return }
        let command: BSONDocument = [
            "createIndexes": .string(name),
            "indexes": .array(models.map { .document($0.document) }),
        ]
        _ = try await database.runCommand(command)
    }

    /// Creates one index and returns its name.
    @discardableResult
    public func createIndex(_ model: MongoIndexModel) async throws(MongoError) -> String {
        try await createIndexes([model])
        return model.resolvedName
    }

    /// The collection's index descriptions (`key`, `name`, `unique`, `expireAfterSeconds`, ...).
    public func listIndexes() async throws(MongoError) -> [BSONDocument] {
        try await withHandle { (collection: OpaquePointer) throws(MongoError) -> [BSONDocument] in
            try CollectionCalls.listIndexes(collection)
        }
    }

    /// Drops the index called `name`.
    public func dropIndex(_ name: String) async throws(MongoError) {
        _ = try await database.runCommand(["dropIndexes": .string(self.name), "index": .string(name)])
    }
}
