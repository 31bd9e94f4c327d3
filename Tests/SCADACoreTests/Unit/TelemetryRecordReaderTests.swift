import Foundation
import Testing
@testable import SCADACore

/// The fast record reader must accept and reject exactly what `JSONDecoder` does for `TelemetryRecord`.
@Suite struct TelemetryRecordReaderTests {
    static let accepted: [String] = [
        #"{"schema_version":1,"device_id":"PLC1","device_type":"manufacturing","event_time":1700000000000,"receive_time":1700000000003,"source_topic":"factory/line1"}"#,
        #"""
        { "source_topic" : "factory/line1", "tags": {"part_program": "O1234 \"rough\"", "unit": "\u00b0C"},
          "metrics": {"voltages.L1": 230.5, "count": 12, "tiny": 1.5e-300, "big": 9007199254740993, "neg": -0.25, "exp": 1E3},
          "states": {"alarm": false, "status": "running", "ok": true},
          "seq": 42, "site": "plant-1", "line": null, "unknown": [1, {"a": [true, null]}, "x"],
          "event_time": 1.7e12, "receive_time": 1700000000003, "device_type": "cnc", "device_id": "CNC\u00e9\ud83d\ude00",
          "schema_version": 1 }
        """#,
        #"{"schema_version":1,"device_id":"d","device_type":"t","event_time":-5,"receive_time":0,"source_topic":"s","seq":null,"metrics":null,"states":{},"tags":null}"#,
        #"{"schema_version":1,"device_id":"tab\tescaped\n\/","device_type":"t","event_time":1,"receive_time":2,"source_topic":"s","seq":9223372036854775807}"#,
    ]

    static let rejected: [String] = [
        "", "[]", "null", "{", #"{"schema_version":1"#,
        #"{"device_id":"d","device_type":"t","event_time":1,"receive_time":2,"source_topic":"s"}"#,  // no schema_version
        #"{"schema_version":1,"device_id":5,"device_type":"t","event_time":1,"receive_time":2,"source_topic":"s"}"#,
        #"{"schema_version":1,"device_id":"d","device_type":"t","event_time":1.5,"receive_time":2,"source_topic":"s"}"#,
        #"{"schema_version":1,"device_id":"d","device_type":"t","event_time":1,"receive_time":2,"source_topic":"s","metrics":{"a":"x"}}"#,
        #"{"schema_version":1,"device_id":"d","device_type":"t","event_time":1,"receive_time":2,"source_topic":"s","metrics":{"a":null}}"#,
        #"{"schema_version":1,"device_id":"d","device_type":"t","event_time":1,"receive_time":2,"source_topic":"s","metrics":[1]}"#,
        #"{"schema_version":1,"device_id":"d","device_type":"t","event_time":1,"receive_time":2,"source_topic":"s","states":{"a":1}}"#,
        #"{"schema_version":1,"device_id":"d","device_type":"t","event_time":1,"receive_time":2,"source_topic":"s","tags":{"a":true}}"#,
        #"{"schema_version":1,"device_id":"d","device_type":"t","event_time":1,"receive_time":2,"source_topic":"s","seq":99999999999999999999}"#,
        #"{"schema_version":1,"device_id":"d","device_type":"t","event_time":1,"receive_time":2,"source_topic":"s"} x"#,
        #"{"schema_version":1,"device_id":"d","device_type":"t","event_time":01,"receive_time":2,"source_topic":"s"}"#,
        #"{"schema_version":1,"device_id":"d\x","device_type":"t","event_time":1,"receive_time":2,"source_topic":"s"}"#,
        #"{"schema_version":1,"device_id":"\ud800","device_type":"t","event_time":1,"receive_time":2,"source_topic":"s"}"#,
    ]

    @Test(arguments: accepted) func agreesWithJSONDecoderOnValidRecords(_ json: String) throws {
        let expected = try JSONDecoder().decode(TelemetryRecord.self, from: Data(json.utf8))
        #expect(try TelemetryRecord(jsonBytes: Array(json.utf8)) == expected)
    }

    @Test(arguments: rejected) func rejectsWhatJSONDecoderRejects(_ json: String) {
        #expect(throws: (any Error).self) { try JSONDecoder().decode(TelemetryRecord.self, from: Data(json.utf8)) }
        #expect(throws: RecordDecodingError.self) { try TelemetryRecord(jsonBytes: Array(json.utf8)) }
    }

    @Test func rejectsInvalidUTF8AndNonFiniteNumbers() {
        var bytes = Array(#"{"schema_version":1,"device_id":"d"#.utf8)
        bytes += [0xC3, 0x28]
        bytes += Array(#"","device_type":"t","event_time":1,"receive_time":2,"source_topic":"s"}"#.utf8)
        #expect(throws: RecordDecodingError("'device_id' is not valid UTF-8")) { try TelemetryRecord(jsonBytes: bytes) }
        let huge = #"{"schema_version":1,"device_id":"d","device_type":"t","event_time":1,"receive_time":2,"source_topic":"s","metrics":{"x":1e999}}"#
        #expect(throws: RecordDecodingError("'metrics.x' is not a finite number")) { try TelemetryRecord(jsonBytes: Array(huge.utf8)) }
    }

    @Test func rejectsTrailingCommasThatJSONDecoderTolerates() {
        let json = #"{"schema_version":1,"device_id":"d","device_type":"t","event_time":1,"receive_time":2,"source_topic":"s",}"#
        #expect(throws: RecordDecodingError.self) { try TelemetryRecord(jsonBytes: Array(json.utf8)) }
    }

    @Test func roundTripsRecordsItEncodes() throws {
        var generator = SystemRandomNumberGenerator()
        for index in 0..<200 {
            let record = TelemetryRecord(
                deviceId: "dev-\(index)-\u{e9}", deviceType: ["cnc", "energy"][index % 2], site: index % 3 == 0 ? nil : "plant \"1\"",
                line: "line\\\(index % 4)", eventTime: Int64.random(in: -1_000...2_000_000_000_000, using: &generator),
                receiveTime: 1_700_000_000_000, seq: index % 5 == 0 ? nil : Int64(index),
                metrics: ["m\(index)": Double.random(in: -1e9...1e9, using: &generator), "voltages.L1": 230.25, "n": Double(index)],
                states: ["alarm": .bool(index % 2 == 0), "mode": .string("auto/\u{1F600}")], sourceTopic: "factory/line\(index)",
                tags: index % 2 == 0 ? [:] : ["part_program": "O\(index)\n"])
            #expect(try TelemetryRecord(jsonBytes: record.jsonBytes()) == record)
        }
    }
}
