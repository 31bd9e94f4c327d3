/// One operation of ``MongoCollection/bulkWrite(_:ordered:writeConcern:)``.
public enum MongoWriteModel: Sendable, Equatable {
    case insertOne(BSONDocument)
    /// `update` holds operators (`$set`, `$inc`, `$min`, `$max`, `$setOnInsert`, ...).
    case updateOne(filter: BSONDocument, update: BSONDocument, upsert: Bool = false)
    case updateMany(filter: BSONDocument, update: BSONDocument, upsert: Bool = false)
    /// `replacement` is a whole document without operators.
    case replaceOne(filter: BSONDocument, replacement: BSONDocument, upsert: Bool = false)
    case deleteOne(BSONDocument)
    case deleteMany(BSONDocument)
}
