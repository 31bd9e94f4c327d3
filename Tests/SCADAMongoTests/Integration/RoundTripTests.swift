import Foundation
import SCADAMongo
import Testing

@Suite(.mongoServer, .timeLimit(.minutes(2)))
struct RoundTripTests {
    @Test func everyValueSurvivesTheServer() async throws {
        let fx = try MongoFixture.require()
        let c = fx.database().collection("types")
        let id = BSONObjectId()
        let stored: BSONDocument = [
            "_id": .objectId(id),
            "bigInt64": .int64(9_007_199_254_740_993),
            "negInt64": .int64(-9_007_199_254_740_993),
            "maxInt64": .int64(.max),
            "smallInt64": .int64(5),
            "int32": .int32(-123_456),
            "negativeZero": .double(-0.0),
            "tiny": 1e-300,
            "huge": .double(.greatestFiniteMagnitude),
            "pi": .double(.pi),
            "integralDouble": 2.0,
            "yes": true,
            "no": false,
            "at": .datetime(milliseconds: 1_704_164_645_678),
            "beforeEpoch": .datetime(milliseconds: -86_400_001),
            "ref": .objectId(BSONObjectId(hex: "65a1b2c3d4e5f60718293a4b")!),
            "text": "héllo ✓ 漢字 🚀 \u{0}inside",
            "nested": ["a": ["b": ["c": .int32(1)]], "list": [1.5, "x", .null, ["deep": true]]],
            "array": [.int32(1), .int32(2), .int32(3)],
            "emptyDoc": [:],
            "emptyArray": [],
            "bytes": .binary([0, 1, 2, 254, 255]),
            "nothing": .null,
        ]
        try await c.insertOne(stored)
        let loaded = try #require(try await c.findOne(["_id": .objectId(id)]))

        #expect(loaded.keys == stored.keys, "key order is kept")
        // nx-27017 stores small int64 values back as int32 (real MongoDB keeps int64); values are exact either way.
        for (key, value) in stored where key != "smallInt64" {
            #expect(loaded[key] == value, "\(key): stored \(value), loaded \(String(describing: loaded[key]))")
        }
        #expect(loaded["smallInt64"]?.int64Value == 5)
        #expect(loaded["negativeZero"]?.doubleValue?.sign == .minus)
        #expect(loaded["tiny"]?.doubleValue == 1e-300)

        // Queries match exact 64-bit values (2^53 + 1 is not confused with 2^53).
        #expect(try await c.countDocuments(["bigInt64": .int64(9_007_199_254_740_993)]) == 1)
        #expect(try await c.countDocuments(["bigInt64": .int64(9_007_199_254_740_992)]) == 0)
        #expect(try await c.countDocuments(["at": ["$gte": .datetime(milliseconds: 1_704_164_645_678)]]) == 1)
        #expect(try await c.countDocuments(["nested.a.b.c": 1]) == 1)
    }

    @Test func codableStructSurvivesTheServer() async throws {
        let fx = try MongoFixture.require()
        let c = fx.database().collection("telemetry")
        var samples: [Telemetry] = []
        for i in 0..<20 {
            var sample = CodableTests.sample
            sample._id = BSONObjectId()
            sample.seq = Int64(i) + (1 << 53) + 1
            sample.count = i
            sample.value = i == 0 ? -0.0 : Double(i) / 3
            sample.note = i.isMultiple(of: 2) ? nil : "odd \(i)"
            sample.at = Date(timeIntervalSince1970: 1_704_164_645.678 + Double(i))
            samples.append(sample)
        }
        try await c.insertOne(samples[0])
        try await c.insertMany(Array(samples[1...]))
        let loaded = try await c.find(options: .init(sort: ["seq": 1]), as: Telemetry.self)
        #expect(loaded == samples)
        #expect(loaded[0].value.sign == .minus)
    }

    @Test func insertOneReportsTheId() async throws {
        let fx = try MongoFixture.require()
        let c = fx.database().collection("ids")
        let generated = try await c.insertOne(["x": 1])
        let id = try #require(generated.insertedId.objectIdValue)
        #expect(try await c.findOne(["_id": .objectId(id)])?["x"]?.int64Value == 1)
        #expect(try await c.insertOne(["_id": "mine", "x": 2]).insertedId == "mine")
    }
}
