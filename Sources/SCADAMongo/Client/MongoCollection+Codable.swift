extension MongoCollection {
    /// Encodes `value` with `encoder` and inserts it.
    @discardableResult
    public func insertOne(
        _ value: some Encodable, encoder: BSONEncoder = BSONEncoder(), writeConcern: MongoWriteConcern? = nil
    ) async throws(MongoError) -> MongoInsertOneResult {
        try await insertOne(try encoder.encode(value), writeConcern: writeConcern)
    }

    /// Encodes `values` with `encoder` and inserts them (see ``insertMany(_:ordered:writeConcern:)``).
    @discardableResult
    public func insertMany(
        _ values: [some Encodable], ordered: Bool = true, encoder: BSONEncoder = BSONEncoder(),
        writeConcern: MongoWriteConcern? = nil
    ) async throws(MongoError) -> MongoInsertManyResult {
        var documents: [BSONDocument] = []
        documents.reserveCapacity(values.count)
        for value in values { documents.append(try encoder.encode(value)) }
        return try await insertMany(documents, ordered: ordered, writeConcern: writeConcern)
    }

    /// Documents matching `filter`, decoded as `T`.
    public func find<T: Decodable>(
        _ filter: BSONDocument = [:], options: MongoFindOptions = .init(), as type: T.Type,
        decoder: BSONDecoder = BSONDecoder()
    ) async throws(MongoError) -> [T] {
        let documents = try await find(filter, options: options)
        var values: [T] = []
        values.reserveCapacity(documents.count)
        for document in documents { values.append(try decoder.decode(type, from: document)) }
        return values
    }
}
