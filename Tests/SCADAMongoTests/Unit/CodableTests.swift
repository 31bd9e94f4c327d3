import Foundation
import SCADAMongo
import Testing

struct Telemetry: Codable, Equatable {
    struct Quality: Codable, Equatable {
        var good: Bool
        var code: Int32
    }

    enum Kind: String, Codable { case analog, digital }

    var _id: BSONObjectId
    var device: String
    var seq: Int64
    var count: Int
    var value: Double
    var at: Date
    var quality: Quality
    var tags: [String]
    var samples: [Double]
    var kind: Kind
    var note: String?
    var extra: BSONDocument?
    var raw: Data?
}

@Suite struct CodableTests {
    static let sample = Telemetry(
        _id: BSONObjectId(), device: "tank-1/level", seq: 9_007_199_254_740_993, count: -42, value: -0.0,
        at: Date(timeIntervalSince1970: 1_704_164_645.678), quality: .init(good: true, code: 192), tags: ["a", "ü"],
        samples: [1e-300, 2.5, .greatestFiniteMagnitude], kind: .analog, note: nil, extra: ["unit": "m"],
        raw: Data([0, 1, 2]))

    @Test func mapsToBSONTypes() throws {
        let document = try BSONEncoder().encode(Self.sample)
        #expect(document.keys == ["_id", "device", "seq", "count", "value", "at", "quality", "tags", "samples", "kind", "extra", "raw"])
        #expect(document["_id"] == .objectId(Self.sample._id))
        #expect(document["seq"] == .int64(9_007_199_254_740_993))
        #expect(document["count"] == .int64(-42))
        #expect(document["at"] == .datetime(milliseconds: 1_704_164_645_678))
        #expect(document["quality"] == ["good": true, "code": .int32(192)])
        #expect(document["kind"] == "analog")
        #expect(document["note"] == nil, "nil optionals are omitted by default")
        #expect(document["raw"] == .binary([0, 1, 2]))
        #expect(document["extra"] == ["unit": "m"])
    }

    @Test func roundTripsExactly() throws {
        let document = try BSONEncoder().encode(Self.sample)
        let bytes = try document.bsonBytes
        let decoded = try BSONDecoder().decode(Telemetry.self, from: try BSONDocument(fromBSON: bytes))
        #expect(decoded == Self.sample)
        #expect(decoded.value.sign == .minus)
    }

    @Test func nilStrategyNull() throws {
        var encoder = BSONEncoder()
        encoder.nilEncodingStrategy = .null
        let document = try encoder.encode(Self.sample)
        #expect(document["note"] == .null)
        #expect(try BSONDecoder().decode(Telemetry.self, from: document).note == nil)
    }

    @Test func lenientNumbers() throws {
        struct Numbers: Codable, Equatable {
            var a: Int64
            var b: Int
            var c: Double
            var d: Int32
            var e: UInt8
        }
        // What servers may hand back: int64 narrowed to int32, integral doubles, int for double.
        let document: BSONDocument = ["a": .int32(5), "b": .double(7), "c": .int64(3), "d": .int64(9), "e": .int32(255)]
        #expect(try BSONDecoder().decode(Numbers.self, from: document) == Numbers(a: 5, b: 7, c: 3, d: 9, e: 255))
        for bad: BSONDocument in [
            ["a": 2.5, "b": 1, "c": 1.0, "d": 1, "e": 1],
            ["a": 1, "b": 1, "c": 1.0, "d": .int64(1 << 40), "e": 1],
            ["a": 1, "b": 1, "c": 1.0, "d": 1, "e": 256],
            ["a": "1", "b": 1, "c": 1.0, "d": 1, "e": 1],
            ["b": 1, "c": 1.0, "d": 1, "e": 1],
        ] {
            let error = try #require(throws: MongoError.self) { try BSONDecoder().decode(Numbers.self, from: bad) }
            #expect(error.kind == .invalidDocument)
        }
    }

    @Test func decodingErrorsNameThePath() throws {
        let document = try BSONEncoder().encode(Self.sample)
        var broken = document
        broken["quality"] = ["good": "yes", "code": .int32(1)]
        let error = try #require(throws: MongoError.self) { try BSONDecoder().decode(Telemetry.self, from: broken) }
        #expect(error.message.contains("quality.good"), "\(error.message)")
    }

    @Test func unsignedOverflowThrows() throws {
        struct Big: Codable { var v: UInt64 }
        #expect(try BSONEncoder().encode(Big(v: 5))["v"] == .int64(5))
        let error = try #require(throws: MongoError.self) { try BSONEncoder().encode(Big(v: .max)) }
        #expect(error.kind == .invalidDocument)
    }

    @Test func dictionariesArraysAndScalars() throws {
        let counts: [String: Int] = ["x": 1]
        #expect(try BSONEncoder().encode(counts) == ["x": 1])
        #expect(try BSONEncoder().encodeValue([[1, 2], [3]]) == [[1, 2], [3]])
        #expect(try BSONDecoder().decode([[Int]].self, fromValue: [[1, 2], [.int32(3)]]) == [[1, 2], [3]])
        #expect(throws: MongoError.self) { try BSONEncoder().encode(5) }
        // BSONValue and BSONDocument pass through, and are JSON-codable too.
        struct Wrapper: Codable, Equatable { var any: BSONValue; var doc: BSONDocument }
        let wrapper = Wrapper(any: ["k": .int64(1 << 60)], doc: ["z": .null])
        #expect(try BSONDecoder().decode(Wrapper.self, from: try BSONEncoder().encode(wrapper)) == wrapper)
        let json = try JSONEncoder().encode(wrapper)
        #expect(try JSONDecoder().decode(Wrapper.self, from: json) == wrapper)
    }

    @Test func classesWithSuperclass() throws {
        class Base: Codable { var id = 1 }
        final class Derived: Base {
            var name = "n"
            enum CodingKeys: String, CodingKey { case name }
            override init() { super.init() }
            required init(from decoder: any Decoder) throws {
                let c = try decoder.container(keyedBy: CodingKeys.self)
                name = try c.decode(String.self, forKey: .name)
                try super.init(from: c.superDecoder())
            }
            override func encode(to encoder: any Encoder) throws {
                var c = encoder.container(keyedBy: CodingKeys.self)
                try c.encode(name, forKey: .name)
                try super.encode(to: c.superEncoder())
            }
        }
        let document = try BSONEncoder().encode(Derived())
        #expect(document == ["name": "n", "super": ["id": 1]])
        #expect(try BSONDecoder().decode(Derived.self, from: document).id == 1)
    }
}
