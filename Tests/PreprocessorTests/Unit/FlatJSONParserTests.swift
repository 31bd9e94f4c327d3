import Foundation
import Testing
@testable import Preprocessor

@Suite struct FlatJSONParserTests {
    func parse(_ text: String, limits: JSONLimits = JSONLimits()) throws(Rejection) -> FlatDocument {
        try FlatJSONParser.parse(Array(text.utf8), limits: limits)
    }

    func reason(_ bytes: [UInt8], limits: JSONLimits = JSONLimits()) -> RejectReason? {
        do {
            _ = try FlatJSONParser.parse(bytes, limits: limits)
            return nil
        } catch {
            return error.reason
        }
    }

    @Test func flattensNestedObjectsAndArrays() throws {
        let document = try parse(#"{"plc_id":"E1","voltages":{"L1":230.5,"L2":231},"ok":true,"none":null,"axes":[1,2.5],"s":"x"}"#)
        #expect(document.fields.map(\.path) == ["plc_id", "voltages.L1", "voltages.L2", "ok", "none", "axes.0", "axes.1", "s"])
        #expect(document.value("voltages.L1") == .number(230.5, integer: nil))
        #expect(document.value("voltages.L2") == .number(231, integer: 231))
        #expect(document.value("ok") == .bool(true))
        #expect(document.value("none") == .null)
        #expect(document.value("s") == .string("x"))
        #expect(document.isObject("voltages"))
        #expect(document.arrayPaths == ["axes"])
        #expect(try parse("{}").fields.isEmpty)
    }

    @Test func stringsWithEscapesAndUnicode() throws {
        let document = try parse(#"{"a":"line\n\"quoted\" \\ \/ \u00e9 \ud83d\ude00","b":"ünïcödé"}"#)
        #expect(document.value("a") == .string("line\n\"quoted\" \\ / é 😀"))
        #expect(document.value("b") == .string("ünïcödé"))
    }

    @Test func numbersAreExact() throws {
        let literals = ["0", "-0", "1", "-17", "3.14159", "0.1", "0.05", "1e3", "1E-7", "-2.5e+10", "123456789012345678",
                        "9007199254740993", "1.7976931348623157e308", "5e-324", "0.30000000000000004", "1747379028123",
                        "12345678901234567890123", "0.000000000000000000000000001234"]
        for literal in literals {
            let document = try parse("{\"v\":\(literal)}")
            guard case .number(let value, _)? = document.value("v") else {
                Issue.record("\(literal) did not parse")
                continue
            }
            #expect(value == Double(literal), "\(literal)")
        }
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2000 {
            let value = Double.random(in: -1e6...1e6, using: &generator)
            let literal = "\(value)"
            let document = try parse("{\"v\":\(literal)}")
            #expect(document.value("v") == .number(value, integer: nil) || document.value("v") == .number(value, integer: Int64(exactly: value)))
        }
        #expect(try parse(#"{"v":1747379028123}"#).value("v") == .number(1_747_379_028_123, integer: 1_747_379_028_123))
    }

    @Test func preciseReasons() {
        #expect(reason(Array("".utf8)) == .invalidJSON)
        #expect(reason(Array("online".utf8)) == .invalidJSON)
        #expect(reason(Array(#"{"a":1,}"#.utf8)) == .invalidJSON)
        #expect(reason(Array(#"{"a":01}"#.utf8)) == .invalidJSON)
        #expect(reason(Array(#"{"a":1} x"#.utf8)) == .invalidJSON)
        #expect(reason(Array(#"{"a":"unterminated}"#.utf8)) == .invalidJSON)
        #expect(reason(Array("[1,2]".utf8)) == .wrongType)
        #expect(reason(Array("42".utf8)) == .wrongType)
        #expect(reason(Array(#"{"a":NaN}"#.utf8)) == .nonFiniteNumber)
        #expect(reason(Array(#"{"a":Infinity}"#.utf8)) == .nonFiniteNumber)
        #expect(reason(Array(#"{"a":-Infinity}"#.utf8)) == .nonFiniteNumber)
        #expect(reason(Array(#"{"a":1e999}"#.utf8)) == .nonFiniteNumber)
        #expect(reason([0x7B, 0x22, 0x61, 0x22, 0x3A, 0x22, 0xFF, 0xFE, 0x22, 0x7D]) == .notUTF8)
        #expect(reason([0xC3, 0x28, 0x00, 0x01]) == .notUTF8)
        #expect(reason(Array(#"{"a":"\udc00"}"#.utf8)) == .notUTF8)
        #expect(reason(Array(#"{"a":{"b":{"c":1}}}"#.utf8), limits: JSONLimits(maxFields: 10, maxDepth: 2)) == .tooDeep)
        #expect(reason(Array(#"{"a":[[[1]]]}"#.utf8), limits: JSONLimits(maxFields: 10, maxDepth: 3)) == .tooDeep)
        #expect(reason(Array(#"{"a":1,"b":2,"c":3}"#.utf8), limits: JSONLimits(maxFields: 2, maxDepth: 8)) == .tooManyFields)
        #expect(reason(Array(#"{"a":{"b":{"c":1}}}"#.utf8), limits: JSONLimits(maxFields: 10, maxDepth: 3)) == nil)
    }

    @Test func agreesWithFoundationOnValidDocuments() throws {
        let samples = [
            #"{"plc_id":"PLC1","timestamp":"2024-01-15T10:30:00","production_count":1247,"line_speed":105.2,"alarm":false}"#,
            #"{"cnc_id":"CNC001","part_program":"program_01","timestamp":"1747379028","payload":{"status":"running","spin":200,"X-Axis":30,"Y-Axis":80}}"#,
        ]
        for sample in samples {
            let ours = try parse(sample)
            let theirs = try #require(try JSONSerialization.jsonObject(with: Data(sample.utf8)) as? [String: Any])
            #expect(ours.fields.filter { !$0.path.contains(".") }.count == theirs.values.filter { !($0 is [String: Any]) }.count)
        }
    }
}
