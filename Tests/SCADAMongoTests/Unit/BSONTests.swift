import Foundation
@testable import SCADAMongo
import Testing

/// Pure BSON tests: no server.
@Suite struct BSONTests {
    /// A document holding every supported type, including edge values.
    static let everyType: BSONDocument = [
        "_id": .objectId(BSONObjectId(hex: "65a1b2c3d4e5f60718293a4b")!),
        "double": 3.141592653589793,
        "negativeZero": .double(-0.0),
        "tiny": 1e-300,
        "huge": .double(.greatestFiniteMagnitude),
        "string": "héllo ✓ 漢字 🚀",
        "empty": "",
        "document": ["a": 1, "b": ["c": .null]],
        "emptyDocument": [:],
        "array": [1, "two", 3.0, ["four": 4], [5]],
        "emptyArray": [],
        "binary": .binary([0, 1, 2, 255]),
        "bool": true,
        "datetime": .datetime(milliseconds: 1_704_164_645_678),
        "beforeEpoch": .datetime(milliseconds: -315_619_199_999),
        "null": .null,
        "regex": .regex(BSONRegex(pattern: "^ab+c$", options: "mi")),
        "int32": .int32(-2_147_483_648),
        "timestamp": .timestamp(BSONTimestamp(timestamp: 1_700_000_000, increment: 7)),
        "int64": .int64(9_007_199_254_740_993),
        "int64min": .int64(.min),
        "decimal": .decimal128(BSONDecimal128("1234.5678")!),
        "min": .minKey,
        "max": .maxKey,
    ]

    @Test func knownBytes() throws {
        // The example of bsonspec.org: {"hello": "world"}.
        let expected: [UInt8] = [0x16, 0, 0, 0, 0x02] + Array("hello".utf8) + [0, 6, 0, 0, 0] + Array("world".utf8) + [0, 0]
        let document: BSONDocument = ["hello": "world"]
        #expect(try document.bsonBytes == expected)
        #expect(try BSONDocument(fromBSON: expected) == document)
    }

    @Test func bytesRoundTripKeepsTypesAndOrder() throws {
        let bytes = try Self.everyType.bsonBytes
        let decoded = try BSONDocument(fromBSON: bytes)
        #expect(decoded == Self.everyType)
        #expect(decoded.keys == Self.everyType.keys)
        #expect(decoded["negativeZero"]?.doubleValue?.sign == .minus)
        #expect(decoded["int64"] == .int64(9_007_199_254_740_993))
        #expect(try decoded.bsonBytes == bytes)
    }

    /// Our pure-Swift writer and reader agree with libbson (canonical extended JSON goes through libbson).
    @Test func agreesWithLibbson() throws {
        let json = try Self.everyType.canonicalExtendedJSON
        #expect(json.contains(#""$numberLong" : "9007199254740993""#))
        let viaLibbson = try BSONDocument(json: json)
        #expect(viaLibbson == Self.everyType)
        #expect(try viaLibbson.bsonBytes == Self.everyType.bsonBytes)
    }

    @Test func relaxedExtendedJSON() throws {
        let document: BSONDocument = [
            "n": 5, "small": .int32(7), "x": 1.5, "s": "a\"b", "ok": true,
            "at": .datetime(milliseconds: 1_704_164_645_678), "id": .objectId(BSONObjectId(hex: "65a1b2c3d4e5f60718293a4b")!),
        ]
        let json = try document.extendedJSON
        #expect(json == #"{ "n" : 5, "small" : 7, "x" : 1.5, "s" : "a\"b", "ok" : true, "at" : { "$date" : "2024-01-02T03:04:05.678Z" }, "id" : { "$oid" : "65a1b2c3d4e5f60718293a4b" } }"#)
        // Relaxed JSON loses the int32/int64 distinction for small numbers; canonical keeps it.
        let back = try BSONDocument(json: try document.canonicalExtendedJSON)
        #expect(back == document)
        let plain = try BSONDocument(json: #"{"a": 1, "b": 3000000000, "c": 2.5, "d": [true, null], "e": {"$date": "2024-01-02T03:04:05.678Z"}}"#)
        #expect(plain == ["a": .int32(1), "b": .int64(3_000_000_000), "c": 2.5, "d": [true, .null],
                          "e": .datetime(milliseconds: 1_704_164_645_678)])
    }

    @Test func malformedInputIsRejected() throws {
        let good = try (["a": "b", "n": ["x": 1]] as BSONDocument).bsonBytes
        for cut in [0, 3, 4, 10, good.count - 1] {
            #expect(throws: MongoError.self) { try BSONDocument(fromBSON: Array(good.prefix(cut))) }
        }
        var badLength = good
        badLength[0] = 0xFF
        #expect(throws: MongoError.self) { try BSONDocument(fromBSON: badLength) }
        var badType = good
        badType[4] = 0x42
        let error = try #require(throws: MongoError.self) { try BSONDocument(fromBSON: badType) }
        #expect(error.kind == .invalidDocument)
        #expect(throws: MongoError.self) { try BSONDocument(fromBSON: good + [0]) }
        #expect(throws: MongoError.self) { try BSONDocument(json: "{not json") }
        let nulKey: BSONDocument = ["a\u{0}b": 1]
        #expect(throws: MongoError.self) { try nulKey.bsonBytes }
        var deep: BSONValue = 1
        for _ in 0..<300 { deep = ["d": deep] }
        #expect(throws: MongoError.self) { try (["deep": deep] as BSONDocument).bsonBytes }
    }

    @Test func documentAccess() {
        var document: BSONDocument = ["b": 1, "a": ["c": [10, ["d": "x"]]]]
        #expect(document.keys == ["b", "a"])
        #expect(document[path: "a.c.1.d"] == "x")
        #expect(document[path: "a.c.0"]?.int64Value == 10)
        #expect(document[path: "a.z"] == nil)
        document["b"] = 2
        document["z"] = true
        document["a"] = nil
        #expect(document == ["b": 2, "z": true])
        #expect(document != ["z": true, "b": 2], "order matters")
        #expect(BSONValue.int32(5).int64Value == 5)
        #expect(BSONValue.int64(5).asDouble == 5.0)
        #expect(BSONValue.int64(1 << 40).int32Value == nil)
        #expect(BSONValue.double(2.5).int64Value == nil)
    }

    @Test func descriptions() {
        #expect(BSONValue.int64(5).description == "5")
        #expect(BSONValue.string("a").description == "\"a\"")
        #expect(BSONValue.objectId(BSONObjectId(hex: "65a1b2c3d4e5f60718293a4b")!).description == #"{ "$oid" : "65a1b2c3d4e5f60718293a4b" }"#)
        #expect((["a": [1, 2]] as BSONDocument).description == #"{ "a" : [ 1, 2 ] }"#)
    }

    @Test func objectIds() throws {
        let a = BSONObjectId()
        let b = BSONObjectId()
        #expect(a != b)
        #expect(a < b, "the counter makes later ids larger within a second")
        #expect(BSONObjectId(hex: a.hex) == a)
        #expect(BSONObjectId(bytes: a.bytes) == a)
        #expect(a.hex.count == 24)
        #expect(abs(a.timestamp.timeIntervalSinceNow) < 5)
        #expect(BSONObjectId(hex: "xyz") == nil)
        #expect(BSONObjectId(hex: "65a1b2c3d4e5f60718293a4") == nil)
        #expect(BSONObjectId(hex: "65A1B2C3D4E5F60718293A4B")?.hex == "65a1b2c3d4e5f60718293a4b")
    }

    @Test func datesHaveMillisecondPrecision() throws {
        let date = Date(timeIntervalSince1970: 1_704_164_645.6784)
        let decoded = try BSONDocument(fromBSON: try (["t": .datetime(date)] as BSONDocument).bsonBytes)
        #expect(decoded["t"] == .datetime(milliseconds: 1_704_164_645_678))
        let rounding = try BSONDocument(fromBSON: try (["t": .datetime(Date(timeIntervalSince1970: 0.0006))] as BSONDocument).bsonBytes)
        #expect(rounding["t"] == .datetime(milliseconds: 1))
    }
}
