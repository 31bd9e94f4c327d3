import Foundation
import SCADAMongo
import Testing

@Suite(.mongoServer, .timeLimit(.minutes(2)))
struct QueryTests {
    static func seed(_ c: MongoCollection) async throws {
        let documents: [BSONDocument] = (0..<30).map { i in
            ["_id": .int64(Int64(i)), "device": .string("d\(i % 3)"), "value": .double(Double(i)),
             "ts": .datetime(milliseconds: 1_704_067_200_000 + Int64(i) * 1000), "meta": ["site": i < 15 ? "a" : "b"]]
        }
        try await c.insertMany(documents)
    }

    @Test func findWithFilterSortLimitSkipProjection() async throws {
        let fx = try MongoFixture.require()
        let c = fx.database().collection("samples")
        try await Self.seed(c)

        let page = try await c.find(
            ["device": "d1", "value": ["$gte": 4.0]],
            options: .init(sort: ["value": -1], limit: 3, skip: 1, projection: ["value": 1, "_id": 0]))
        #expect(page == [["value": 25.0], ["value": 22.0], ["value": 19.0]])

        // Sorted by `value`: nx-27017 sorts numeric `_id`s as text (0, 1, 10, 11, ...).
        let all = try await c.find(options: .init(sort: ["value": 1], batchSize: 4))
        #expect(all.count == 30, "several getMore round trips")
        #expect(all.map { $0["_id"]?.int64Value } == (0..<30).map { Int64($0) })

        #expect(try await c.findOne(["meta.site": "b"], options: .init(sort: ["value": 1]))?["_id"]?.int64Value == 15)
        #expect(try await c.findOne(["device": "none"]) == nil)
        let inList = try await c.find(["_id": ["$in": [1, 2, 99]]], options: .init(sort: ["_id": 1]))
        #expect(inList.count == 2)
    }

    @Test func aggregateAndCount() async throws {
        let fx = try MongoFixture.require()
        let c = fx.database().collection("samples")
        try await Self.seed(c)

        let groups = try await c.aggregate([
            ["$match": ["value": ["$lt": 12.0]]],
            ["$group": ["_id": "$device", "n": ["$sum": 1], "total": ["$sum": "$value"], "peak": ["$max": "$value"],
                        "mean": ["$avg": "$value"]]],
            ["$sort": ["_id": 1]],
        ])
        #expect(groups.map { $0["_id"] } == ["d0", "d1", "d2"])
        #expect(groups.map { $0["n"]?.int64Value } == [4, 4, 4])
        #expect(groups.map { $0["total"]?.asDouble } == [18, 22, 26])
        #expect(groups.map { $0["peak"]?.asDouble } == [9, 10, 11])
        #expect(groups.map { $0["mean"]?.asDouble } == [4.5, 5.5, 6.5])

        #expect(try await c.countDocuments() == 30)
        #expect(try await c.countDocuments(["device": "d2"]) == 10)
        #expect(try await c.countDocuments(["ts": ["$gte": .datetime(milliseconds: 1_704_067_220_000)]]) == 10)
        #expect(try await c.estimatedDocumentCount() == 30)
        #expect(try await fx.database().collection("missing").countDocuments() == 0)
    }

    /// The historian's set-up: a time-series collection with retention. nx-27017 accepts the
    /// `timeseries` and `expireAfterSeconds` options but ignores them (a plain collection, no expiry),
    /// so the caller checks what it got and falls back to a TTL index on the time field.
    @Test func timeSeriesCollectionWithCallerFallback() async throws {
        let fx = try MongoFixture.require()
        let db = fx.database()
        let options: BSONDocument = [
            "timeseries": ["timeField": "ts", "metaField": "meta", "granularity": "seconds"],
            "expireAfterSeconds": .int32(86_400),
        ]
        try await db.createCollection("telemetry", options: options)
        try await db.createCollection("telemetry", options: options, ignoreExisting: true)
        // Real MongoDB answers NamespaceExists (48); nx-27017 accepts the second create.
        let again = await errorOrNil { try await db.createCollection("telemetry", options: options) }
        #expect(again == nil || again?.kind == .namespaceExists, "\(String(describing: again))")

        let info = try await db.listCollections().first { $0["name"] == "telemetry" }
        let isTimeSeries = info?[path: "options.timeseries"] != nil
        print("createCollection(timeseries): server reports \(info?.description ?? "nothing")")
        let ts = db.collection("telemetry")
        if !isTimeSeries {
            try await ts.createIndexes([MongoIndexModel(keys: ["ts": 1], expireAfterSeconds: 86_400)])
        }

        try await ts.insertMany((0..<5).map { i in
            ["ts": .datetime(Date().addingTimeInterval(Double(i - 5))), "meta": ["device": "d1"], "value": .double(Double(i))]
        })
        #expect(try await ts.countDocuments(["meta.device": "d1"]) == 5)
        let latest = try await ts.findOne(options: .init(sort: ["ts": -1]))
        #expect(latest?["value"] == 4.0)
    }

    @Test func collectionListingAndDrops() async throws {
        let fx = try MongoFixture.require()
        let db = fx.database()
        try await db.createCollection("plain")
        try await db.createCollection("other")
        #expect(Set(try await db.listCollectionNames()) == ["plain", "other"])
        try await db.collection("plain").drop()
        try await db.collection("never_created").drop()
        #expect(try await db.listCollectionNames() == ["other"])
        try await db.drop()
        #expect(try await db.listCollectionNames().isEmpty)
    }

    @Test func runCommand() async throws {
        let fx = try MongoFixture.require()
        let reply = try await fx.client.database("admin").runCommand(["ping": 1])
        #expect(reply["ok"]?.asDouble == 1)
        // nx-27017 answers ok to unknown commands; an invalid collection name fails everywhere.
        let error = await mongoError { _ = try await fx.database().runCommand(["create": "bad$name"]) }
        if case .command(let code, let message)? = error?.kind {
            #expect(code != 0 && !message.isEmpty)
        } else {
            Issue.record("expected .command, got \(String(describing: error))")
        }
    }

    @Test func concurrentOperationsShareThePool() async throws {
        let fx = try MongoFixture.require()
        let c = fx.database().collection("parallel")
        try await withThrowingTaskGroup(of: Void.self) { group in
            for task in 0..<16 {
                group.addTask {
                    for i in 0..<10 { try await c.insertOne(["task": .int64(Int64(task)), "i": .int64(Int64(i))]) }
                }
            }
            try await group.waitForAll()
        }
        #expect(try await c.countDocuments() == 160)
    }

    private func errorOrNil(_ body: () async throws -> Void) async -> MongoError? {
        do {
            try await body()
            return nil
        } catch {
            return error as? MongoError
        }
    }
}
