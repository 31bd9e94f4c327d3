/// Counts of a bulk write, with the per-item failures of a partially failed bulk.
public struct MongoBulkWriteResult: Sendable, Equatable, CustomStringConvertible {
    public var insertedCount: Int = 0
    public var matchedCount: Int = 0
    public var modifiedCount: Int = 0
    public var upsertedCount: Int = 0
    public var deletedCount: Int = 0
    /// `_id` of each upserted document, by the index of its model in the request.
    public var upsertedIds: [Int: BSONValue] = [:]
    /// Items the server rejected (an ordered bulk stops at the first).
    public var writeErrors: [MongoWriteError] = []
    /// Write-concern failures (the writes were applied but not as durably as asked).
    public var writeConcernErrors: [MongoWriteConcernError] = []

    public init() {}

    public var description: String {
        var text = "inserted \(insertedCount), matched \(matchedCount), modified \(modifiedCount), "
            + "upserted \(upsertedCount), deleted \(deletedCount)"
        if !writeErrors.isEmpty {
            text += ", \(writeErrors.count) write errors (first: #\(writeErrors[0].index) code \(writeErrors[0].code): "
                + "\(writeErrors[0].message))"
        }
        if !writeConcernErrors.isEmpty { text += ", \(writeConcernErrors.count) write-concern errors" }
        return text
    }
}

/// One rejected item of a bulk write.
public struct MongoWriteError: Sendable, Equatable {
    /// Index of the model in the request.
    public var index: Int
    /// Server error code (11000 for a duplicate key).
    public var code: Int
    public var message: String

    public init(index: Int, code: Int, message: String) {
        self.index = index
        self.code = code
        self.message = message
    }

    public var isDuplicateKey: Bool { MongoError.duplicateKeyCodes.contains(code) }
}

/// A write-concern failure reported with a write.
public struct MongoWriteConcernError: Sendable, Equatable {
    public var code: Int
    public var message: String

    public init(code: Int, message: String) {
        self.code = code
        self.message = message
    }
}

/// Result of `insertMany`.
public struct MongoInsertManyResult: Sendable, Equatable {
    public var insertedCount: Int
    public init(insertedCount: Int) { self.insertedCount = insertedCount }
}

/// Result of `insertOne`.
public struct MongoInsertOneResult: Sendable, Equatable {
    /// The document's `_id`: the caller's, or the ObjectId generated for it.
    public var insertedId: BSONValue
    public init(insertedId: BSONValue) { self.insertedId = insertedId }
}

/// Result of an update or replace.
public struct MongoUpdateResult: Sendable, Equatable {
    public var matchedCount: Int
    public var modifiedCount: Int
    public var upsertedCount: Int
    /// `_id` of the inserted document when the update upserted.
    public var upsertedId: BSONValue?

    public init(matchedCount: Int, modifiedCount: Int, upsertedCount: Int, upsertedId: BSONValue?) {
        self.matchedCount = matchedCount
        self.modifiedCount = modifiedCount
        self.upsertedCount = upsertedCount
        self.upsertedId = upsertedId
    }
}
