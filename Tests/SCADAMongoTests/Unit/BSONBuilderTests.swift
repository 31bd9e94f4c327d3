import Foundation
import SCADAMongo
import Testing

@Suite struct BSONBuilderTests {
    /// The builder writes the same bytes as encoding the equivalent document tree.
    @Test func bytesEqualTheDocumentTree() throws {
        let expected: BSONDocument = [
            "_id": "A:1", "n": .double(1.5), "big": .int64(-9_000_000_000), "flag": .bool(true),
            "at": .datetime(milliseconds: 1_700_000_000_123), "text": "héllo",
            "inner": ["x": .double(-0.0), "empty": ["deeper": .bool(false)]],
        ]
        var batch = BSONDocumentBatch()
        try batch.append { d in
            d.append("_id", string: "A:1")
            d.append("n", double: 1.5)
            d.append("big", int64: -9_000_000_000)
            d.append("flag", bool: true)
            d.append("at", datetimeMilliseconds: 1_700_000_000_123)
            d.append("text", string: "héllo")
            d.appendDocument("inner") { inner in
                inner.append("x", double: -0.0)
                inner.appendDocument("empty") { $0.append("deeper", bool: false) }
            }
        }
        #expect(batch.count == 1)
        #expect(batch.byteCount == (try expected.bsonBytes).count)
        #expect(try batch.document(at: 0) == expected)
        #expect(try batch.document(at: 0).bsonBytes == expected.bsonBytes)
    }

    @Test func documentsFollowEachOther() throws {
        var batch = BSONDocumentBatch(reservingBytes: 16, documents: 1)
        for index in 0..<50 { try batch.append { $0.append("_id", int64: Int64(index)); $0.append("s", string: String(repeating: "x", count: index)) } }
        #expect(batch.count == 50)
        for index in [0, 1, 25, 49] {
            #expect(try batch.document(at: index) == ["_id": .int64(Int64(index)), "s": .string(String(repeating: "x", count: index))])
        }
    }

    /// A key with a NUL byte would cut the BSON key short: refused, and the batch stays as it was.
    @Test func nulInKeyIsRefusedAndLeavesTheBatchIntact() throws {
        var batch = BSONDocumentBatch()
        try batch.append { $0.append("_id", int64: 1) }
        let before = batch.byteCount
        #expect(throws: MongoError.self) {
            try batch.append { d in
                d.append("_id", int64: 2)
                d.appendDocument("metrics") { $0.append("bad\u{0}name", double: 1) }
            }
        }
        #expect(batch.count == 1 && batch.byteCount == before)
        try batch.append { $0.append("_id", int64: 3) }
        #expect(try batch.document(at: 1) == ["_id": .int64(3)])
    }
}
