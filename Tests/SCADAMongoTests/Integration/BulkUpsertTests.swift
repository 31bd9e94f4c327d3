import SCADAMongo
import Testing

@Suite(.mongoServer, .timeLimit(.minutes(2)))
struct BulkUpsertTests {
    /// The historian's rollup pattern: one upsert per key with $set/$inc/$min/$max/$setOnInsert.
    static func upserts(keys: Range<Int>, round: Int) -> [MongoWriteModel] {
        keys.map { key in
            .updateOne(
                filter: ["device": .string("d\(key)"), "minute": .int64(Int64(key) * 60_000)],
                update: [
                    "$set": ["last": .double(Double(key) + Double(round) / 10)],
                    "$inc": ["count": 1, "sum": .double(Double(key))],
                    "$min": ["min": .int64(Int64(key - round))],
                    "$max": ["max": .int64(Int64(key + round))],
                    "$setOnInsert": ["firstRound": .int64(Int64(round))],
                ],
                upsert: true)
        }
    }

    @Test func unorderedUpsertAppliedTwiceLeavesOneDocumentPerKey() async throws {
        let fx = try MongoFixture.require()
        let rollups = fx.database().collection("rollups")
        let n = 200

        let first = try await rollups.bulkWrite(Self.upserts(keys: 0..<n, round: 1), ordered: false)
        #expect(first.upsertedCount == n)
        #expect(first.matchedCount == 0)
        #expect(first.upsertedIds.count == n)
        #expect(first.writeErrors.isEmpty)

        let second = try await rollups.bulkWrite(Self.upserts(keys: 0..<n, round: 2), ordered: false)
        #expect(second.upsertedCount == 0)
        #expect(second.matchedCount == n)
        #expect(second.modifiedCount == n)

        #expect(try await rollups.countDocuments() == n)
        let documents = try await rollups.find([:], options: .init(sort: ["minute": 1]))
        #expect(documents.count == n)
        for (key, document) in documents.enumerated() {
            #expect(document["device"] == .string("d\(key)"))
            #expect(document["count"]?.int64Value == 2)
            #expect(document["sum"]?.asDouble == Double(key) * 2)
            #expect(document["last"]?.doubleValue == Double(key) + 0.2)
            #expect(document["min"]?.int64Value == Int64(key - 2))
            #expect(document["max"]?.int64Value == Int64(key + 2))
            #expect(document["firstRound"]?.int64Value == 1, "$setOnInsert applies only on insert")
        }
    }

    @Test func mixedModelsReportEveryCount() async throws {
        let fx = try MongoFixture.require()
        let items = fx.database().collection("items")
        try await items.insertMany((0..<10).map { ["_id": .int64(Int64($0)), "group": .int64(Int64($0 % 2))] })

        let result = try await items.bulkWrite([
            .insertOne(["_id": 100, "group": 9]),
            .updateOne(filter: ["_id": 0], update: ["$set": ["touched": true]]),
            .updateMany(filter: ["group": 1], update: ["$set": ["odd": true]]),
            .replaceOne(filter: ["_id": 2], replacement: ["group": 0, "replaced": true]),
            .replaceOne(filter: ["name": "new"], replacement: ["name": "new", "group": 7], upsert: true),
            .deleteOne(["_id": 4]),
            .deleteMany(["group": 9]),
        ], ordered: true)

        #expect(result.insertedCount == 1)
        #expect(result.matchedCount == 1 + 5 + 1)
        #expect(result.modifiedCount == 1 + 5 + 1)
        #expect(result.upsertedCount == 1)
        // (nx-27017 ignores an `_id` in a replaceOne upsert's filter and generates one; MongoDB would use it.)
        let upsertedId = try #require(result.upsertedIds[4])
        #expect(try await items.findOne(["_id": upsertedId])?["name"] == "new")
        #expect(result.deletedCount == 2)
        #expect(try await items.countDocuments() == 10)
        #expect(try await items.findOne(["_id": 2])?["replaced"] == true)
    }

    @Test func singleWriteConveniences() async throws {
        let fx = try MongoFixture.require()
        let devices = fx.database().collection("devices")
        let upserted = try await devices.updateOne(filter: ["_id": "plc-1"], update: ["$set": ["online": true]], upsert: true)
        #expect(upserted.upsertedCount == 1)
        #expect(upserted.upsertedId == "plc-1")
        let updated = try await devices.updateOne(filter: ["_id": "plc-1"], update: ["$set": ["online": false]])
        #expect(updated.matchedCount == 1 && updated.modifiedCount == 1 && updated.upsertedId == nil)
        let many = try await devices.updateMany(filter: [:], update: ["$set": ["site": "a"]])
        #expect(many.matchedCount == 1)
        #expect(try await devices.replaceOne(filter: ["_id": "plc-1"], replacement: ["online": true]).modifiedCount == 1)
        #expect(try await devices.deleteOne(["_id": "none"]) == 0)
        #expect(try await devices.deleteMany([:]) == 1)
        let invalid = await mongoError { _ = try await devices.updateOne(filter: [:], update: ["online": true]) }
        #expect(invalid?.kind == .invalidArgument, "an update without operators is refused before sending")
        #expect(try await devices.bulkWrite([]) == MongoBulkWriteResult())
    }

    @Test func writeConcerns() async throws {
        let fx = try MongoFixture.require()
        let c = fx.database().collection("wc")
        for concern: MongoWriteConcern in [.acknowledged, .majority, .w(1), .journaled(.majority)] {
            let result = try await c.insertMany([["wc": .string("\(concern)")]], writeConcern: concern)
            #expect(result.insertedCount == 1, "\(concern)")
        }
        #expect(try await c.countDocuments() == 4)
    }

    /// Historian-like batches: inserts in batches of 500, then bulk upserts of existing and new keys, all stored.
    @Test func batchedInsertsThenUpserts() async throws {
        let fx = try MongoFixture.require()
        let c = fx.database().collection("load")
        let n = 5000
        let batches = stride(from: 0, to: n, by: 500).map { start in
            (start..<start + 500).map { i -> BSONDocument in
                ["deviceId": "plc-007", "ts": .datetime(milliseconds: 1_704_164_645_678 + Int64(i)),
                 "value": .double(Double(i) * 0.25), "seq": .int64(Int64(i)), "meta": ["line": "L1", "zone": .int32(3)]]
            }
        }
        for batch in batches { _ = try await c.insertMany(batch, ordered: false) }
        for start in stride(from: 0, to: 500, by: 250) {
            _ = try await c.bulkWrite(Self.upserts(keys: start..<start + 250, round: 1), ordered: false)
        }
        #expect(try await c.countDocuments() == n + 500)
    }
}
