import Testing
@testable import Preprocessor

@Suite struct TimestampParserTests {
    func ms(_ value: JSONScalar) throws(Rejection) -> Int64 { try TimestampParser.milliseconds(value, field: "timestamp") }

    @Test func epochNumbersAndStrings() throws {
        #expect(try ms(.number(1_747_379_028_123, integer: 1_747_379_028_123)) == 1_747_379_028_123)
        #expect(try ms(.number(1_747_379_028, integer: 1_747_379_028)) == 1_747_379_028_000)
        #expect(try ms(.number(1_747_379_028.5, integer: nil)) == 1_747_379_028_500)
        #expect(try ms(.string("1747379028")) == 1_747_379_028_000)
        #expect(try ms(.string("1747379028123")) == 1_747_379_028_123)
    }

    @Test func isoForms() throws {
        #expect(try ms(.string("2024-01-15T10:30:00")) == 1_705_314_600_000)
        #expect(try ms(.string("2024-01-15T10:30:00Z")) == 1_705_314_600_000)
        #expect(try ms(.string("2024-01-15 10:30:00.250Z")) == 1_705_314_600_250)
        #expect(try ms(.string("2024-01-15T12:30:00+02:00")) == 1_705_314_600_000)
        #expect(try ms(.string("2024-01-15T05:30:00-0500")) == 1_705_314_600_000)
        #expect(try ms(.string("2024-02-29T00:00:00.123456Z")) == 1_709_164_800_123)
    }

    @Test func rejections() {
        for bad in ["yesterday", "2024-13-01T00:00:00", "2023-02-29T00:00:00", "2024-01-15", "2024-01-15T25:00:00"] {
            #expect(throws: Rejection.self, "\(bad)") { try ms(.string(bad)) }
        }
        #expect((try? ms(.number(5, integer: 5))) == nil)
        #expect((try? ms(.number(-1, integer: -1))) == nil)
        do {
            _ = try ms(.bool(true))
            Issue.record("a boolean timestamp was accepted")
        } catch {
            #expect(error.reason == .wrongType)
        }
        do {
            _ = try ms(.string("soon"))
        } catch {
            #expect(error.reason == .badTimestamp)
        }
    }
}

@Suite struct TopicPatternTests {
    @Test func wildcardsAndPrefixes() throws {
        #expect(try TopicPattern("factory/#").matches("factory/line1"))
        #expect(try TopicPattern("factory/#").matches("factory/a/b/c"))
        #expect(try TopicPattern("factory/+").matches("factory/energy"))
        #expect(!(try TopicPattern("factory/+").matches("factory/cnc/CNC001")))
        #expect(try TopicPattern("factory/line*").matches("factory/line12"))
        #expect(!(try TopicPattern("factory/line*").matches("factory/energy")))
        #expect(!(try TopicPattern("factory/line*").matches("factory/line1/commands")))
        #expect(try TopicPattern("+/+/+/commands/ack").matches("factory/cnc/CNC001/commands/ack"))
        #expect(!(try TopicPattern("#").matches("$SYS/broker/uptime")))
        #expect(throws: RouteError.self) { try TopicPattern("factory/#/x") }
        #expect(throws: RouteError.self) { try TopicPattern("factory/li*ne") }
        #expect(throws: RouteError.self) { try TopicPattern("factory/a+") }
    }
}
