import SCADAMongo
import Testing

@Suite(.mongoServer, .timeLimit(.minutes(2)))
struct DuplicateKeyTests {
    @Test func insertOneDuplicateIsRecognised() async throws {
        let fx = try MongoFixture.require()
        let c = fx.database().collection("events")
        try await c.insertOne(["_id": "e1"])
        let error = try #require(await mongoError { try await c.insertOne(["_id": "e1"]) })
        #expect(error.kind == .duplicateKey)
        #expect(error.isDuplicateKey)
        #expect(!error.isRetryable)
        #expect(error.code == 11000)
    }

    @Test func unorderedInsertManyKeepsTheOthers() async throws {
        let fx = try MongoFixture.require()
        let c = fx.database().collection("events")
        try await c.insertMany([["_id": 2], ["_id": 5]])
        let batch: [BSONDocument] = (0..<8).map { ["_id": .int64(Int64($0)), "v": .int64(Int64($0))] }
        let error = try #require(await mongoError { try await c.insertMany(batch, ordered: false) })
        guard case .bulkWrite(let result) = error.kind else {
            Issue.record("expected .bulkWrite, got \(error)")
            return
        }
        #expect(result.insertedCount == 6)
        #expect(result.writeErrors.map(\.index) == [2, 5])
        #expect(result.writeErrors.allSatisfy { $0.isDuplicateKey })
        #expect(error.isDuplicateKey)
        #expect(!error.isRetryable)
        #expect(try await c.countDocuments() == 8)
    }

    @Test func orderedInsertManyStopsAtTheFirstDuplicate() async throws {
        let fx = try MongoFixture.require()
        let c = fx.database().collection("events")
        try await c.insertOne(["_id": 3])
        let error = try #require(await mongoError {
            try await c.insertMany((0..<6).map { ["_id": .int64(Int64($0))] }, ordered: true)
        })
        guard case .bulkWrite(let result) = error.kind else {
            Issue.record("expected .bulkWrite, got \(error)")
            return
        }
        #expect(result.insertedCount == 3)
        #expect(result.writeErrors.map(\.index) == [3])
        #expect(try await c.countDocuments() == 4)
    }

    @Test func unorderedBulkWithUniqueIndexReportsPartialFailure() async throws {
        let fx = try MongoFixture.require()
        let c = fx.database().collection("alerts")
        try await c.createIndexes([MongoIndexModel(keys: ["alertId": 1], unique: true)])
        try await c.insertOne(["alertId": "A1", "state": "raised"])
        let error = try #require(await mongoError {
            try await c.bulkWrite([
                .insertOne(["alertId": "A2"]),
                .insertOne(["alertId": "A1"]),
                .updateOne(filter: ["alertId": "A1"], update: ["$set": ["state": "cleared"]]),
                .updateOne(filter: ["alertId": "A3"], update: ["$set": ["state": "raised"]], upsert: true),
                .insertOne(["alertId": "A2"]),
            ], ordered: false)
        })
        guard case .bulkWrite(let result) = error.kind else {
            Issue.record("expected .bulkWrite, got \(error)")
            return
        }
        #expect(result.insertedCount == 1)
        #expect(result.matchedCount == 1)
        #expect(result.modifiedCount == 1)
        #expect(result.upsertedCount == 1)
        #expect(result.writeErrors.map(\.index) == [1, 4])
        #expect(result.writeErrors.allSatisfy { $0.code == 11000 })
        #expect(try await c.findOne(["alertId": "A1"])?["state"] == "cleared")
        #expect(try await c.countDocuments() == 3)
    }
}

@Suite(.mongoServer, .timeLimit(.minutes(2)))
struct DocumentBatchInsertTests {
    /// A batch built with BSONBuilder is stored as built; duplicate keys are reported by position in the batch.
    @Test func batchInsertReportsDuplicatesByPosition() async throws {
        let fx = try MongoFixture.require()
        let c = fx.database().collection("batch")
        try await c.insertMany([["_id": "d3"]])
        var batch = BSONDocumentBatch()
        for index in 0..<6 {
            try batch.append { d in
                d.append("_id", string: "d\(index)")
                d.append("ts", datetimeMilliseconds: 1_700_000_000_000 + Int64(index))
                d.appendDocument("metrics") { $0.append("v", double: Double(index) / 2) }
            }
        }
        let error = try #require(await mongoError { try await c.insertMany(batch, ordered: false, validateKeys: false) })
        guard case .bulkWrite(let result) = error.kind else {
            Issue.record("expected .bulkWrite, got \(error)")
            return
        }
        #expect(result.insertedCount == 5)
        #expect(result.writeErrors.map(\.index) == [3])
        #expect(try await c.countDocuments() == 6)
        let stored = try #require(try await c.find(["_id": "d5"]).first)
        #expect(stored == (try batch.document(at: 5)))
    }
}
