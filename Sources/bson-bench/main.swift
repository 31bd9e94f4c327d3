// Encode/decode speed of SCADAMongo's BSON for a 10-field telemetry document, printed for `make bench`
// (a benchmark, not a test: nothing here is asserted). Usage: bson-bench [documents]
import Foundation
import SCADAMongo

enum BSONBench {
    struct Sample: Codable {
        var deviceId: String
        var site: String
        var tag: String
        var ts: Date
        var value: Double
        var quality: Int32
        var unit: String
        var seq: Int64
        var good: Bool
        var meta: Meta
        struct Meta: Codable {
            var line: String
            var zone: Int32
        }
    }

    static func document(_ i: Int) -> BSONDocument {
        [
            "deviceId": "plc-007", "site": "plant-a", "tag": "tank1.level", "ts": .datetime(milliseconds: 1_704_164_645_678 + Int64(i)),
            "value": .double(Double(i) * 0.25), "quality": .int32(192), "unit": "m", "seq": .int64(Int64(i)), "good": true,
            "meta": ["line": "L1", "zone": .int32(3)],
        ]
    }

    static func run(_ n: Int) throws {
        let documents = (0..<n).map(Self.document)
        let clock = ContinuousClock()
        var bytes = 0
        let encode = try clock.measure {
            for document in documents { bytes &+= try document.bsonBytes.count }
        }
        let encoded = try documents.map { try $0.bsonBytes }
        var keys = 0
        let decode = try clock.measure {
            for data in encoded { keys &+= try BSONDocument(fromBSON: data).count }
        }
        let samples = (0..<n).map { i in
            Sample(deviceId: "plc-007", site: "plant-a", tag: "tank1.level", ts: Date(timeIntervalSince1970: 1_704_164_645 + Double(i)),
                   value: Double(i) * 0.25, quality: 192, unit: "m", seq: Int64(i), good: true, meta: .init(line: "L1", zone: 3))
        }
        let encoder = BSONEncoder()
        let codable = try clock.measure {
            for sample in samples { bytes &+= try encoder.encode(sample).bsonBytes.count }
        }
        func rate(_ d: Duration) -> String {
            let seconds = Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
            return "\(Int(Double(n) / seconds)) docs/s (\(String(format: "%.2f", seconds / Double(n) * 1e6)) µs/doc)"
        }
        print("BSON speed, \(n) 10-field telemetry documents of \(encoded[0].count) bytes:")
        print("  BSONDocument → bytes:         \(rate(encode))")
        print("  bytes → BSONDocument:         \(rate(decode))")
        print("  Codable struct → BSON bytes:  \(rate(codable))")
        guard bytes > 0 && keys == n * 10 else { throw BenchError() }
    }

    struct BenchError: Error {}
}

let count = CommandLine.arguments.dropFirst().first.flatMap(Int.init) ?? 50_000
try BSONBench.run(count)
