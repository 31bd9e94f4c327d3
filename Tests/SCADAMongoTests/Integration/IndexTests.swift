import Foundation
import SCADAMongo
import Testing

@Suite(.mongoServer, .timeLimit(.minutes(2)))
struct IndexTests {
    @Test func ttlAndUniqueIndexes() async throws {
        let fx = try MongoFixture.require()
        let c = fx.database().collection("telemetry")
        try await c.createIndexes([
            MongoIndexModel(keys: ["ts": 1], name: "ts_ttl", expireAfterSeconds: 3600),
            MongoIndexModel(keys: ["deviceId": 1, "seq": 1], unique: true),
        ])
        // Creating the same indexes again is not an error.
        try await c.createIndexes([MongoIndexModel(keys: ["ts": 1], name: "ts_ttl", expireAfterSeconds: 3600)])

        let indexes = try await c.listIndexes()
        let ttl = try #require(indexes.first { $0["key"] == ["ts": 1] || $0["key"]?.documentValue?.keys == ["ts"] },
                               "\(indexes)")
        #expect(ttl["expireAfterSeconds"]?.int64Value == 3600)
        let unique = try #require(indexes.first { $0["key"]?.documentValue?.keys == ["deviceId", "seq"] }, "\(indexes)")
        #expect(unique["unique"] == true)
        #expect(indexes.contains { $0["key"]?.documentValue?.keys == ["_id"] })

        try await c.insertOne(["deviceId": "d1", "seq": 1, "ts": .datetime(Date())])
        let duplicate = await mongoError { try await c.insertOne(["deviceId": "d1", "seq": 1, "ts": .datetime(Date())]) }
        #expect(duplicate?.kind == .duplicateKey)
        try await c.insertOne(["deviceId": "d1", "seq": 2, "ts": .datetime(Date())])
    }

    @Test func partialIndexIsAccepted() async throws {
        let fx = try MongoFixture.require()
        let c = fx.database().collection("alerts")
        let name = try await c.createIndex(MongoIndexModel(
            keys: ["alertId": 1], unique: true, partialFilter: ["active": true]))
        #expect(name == "alertId_1")
        #expect(MongoIndexModel(keys: ["a": 1, "b": -1, "c": "2dsphere"]).resolvedName == "a_1_b_-1_c_2dsphere")
        #expect(try await c.listIndexes().count == 2)
    }

    /// nx-27017 removes expired documents at once (on index creation and later access); MongoDB's
    /// TTL monitor runs every 60 s, hence the generous deadline.
    @Test(.timeLimit(.minutes(3))) func ttlIndexExpiresOldDocuments() async throws {
        let fx = try MongoFixture.require()
        let c = fx.database().collection("expiring")
        try await c.insertMany([
            ["ts": .datetime(Date().addingTimeInterval(-3600)), "old": true],
            ["ts": .datetime(Date().addingTimeInterval(-7200)), "old": true],
            ["ts": .datetime(Date()), "old": false],
        ])
        try await c.createIndexes([MongoIndexModel(keys: ["ts": 1], expireAfterSeconds: 600)])
        let clock = ContinuousClock()
        let started = clock.now
        try await withDeadline(150, "TTL expiry") {
            while try await c.countDocuments(["old": true]) > 0 { try await Task.sleep(for: .seconds(1)) }
        }
        print("TTL: expired documents gone after \(clock.now - started)")
        #expect(try await c.countDocuments(["old": false]) == 1)
    }
}
