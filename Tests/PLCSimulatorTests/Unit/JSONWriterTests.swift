import Foundation
import Testing
@testable import PLCSimulator

@Suite struct JSONWriterTests {
    @Test func writesNumbersWithTheirDecimals() {
        let fields: [Field] = [.number("a", 26.8, 1), .number("b", -0.004, 2), .number("c", 1.005, 3),
                               .integer("d", -42), .integer("e", 0), .number("f", 123.456, 0), .number("g", .nan, 2)]
        let text = String(decoding: JSONWriter.encode(fields), as: UTF8.self)
        #expect(text == #"{"a":26.8,"b":0.00,"c":1.005,"d":-42,"e":0,"f":123,"g":null}"#)
        #expect(jsonObject(JSONWriter.encode(fields)) != nil)
    }

    @Test func escapesStringsAndNestsObjects() throws {
        let fields: [Field] = [.string("s", "a\"b\\c\nd\u{01}é"), .bool("t", true), .bool("f", false),
                               .object("o", [.number("L1", 400.1, 1)])]
        let object = try #require(jsonObject(JSONWriter.encode(fields)))
        #expect(object["s"] as? String == "a\"b\\c\nd\u{01}é")
        #expect(object["t"] as? Bool == true)
        #expect((object["o"] as? [String: Any])?["L1"] as? Double == 400.1)
    }

    @Test func fieldPathsReachNestedNumbers() {
        var fields: [Field] = [.object("voltages", [.number("L1", 400, 1)]), .integer("count", 10)]
        #expect(fields.number(at: "voltages.L1") == 400)
        #expect(fields.updateNumber(at: "voltages.L1") { $0 + 1 })
        #expect(fields.number(at: "voltages.L1") == 401)
        #expect(fields.updateNumber(at: "count") { $0 * 2.4 })
        #expect(fields.number(at: "count") == 24)
        #expect(!fields.updateNumber(at: "voltages.L9") { $0 })
    }
}
