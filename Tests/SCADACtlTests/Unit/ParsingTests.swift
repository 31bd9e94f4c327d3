import Testing
@testable import SCADACtl

/// Pure parts of scadactl: SSE framing, typed `--param` values, exit codes of HTTP statuses, tables.
struct ParsingTests {
    @Test func sseEventsSplitAcrossChunks() {
        var parser = SSEParser()
        #expect(parser.feed(Array(": heartbeat\n\nid: 7-1\nevent: alert\nda".utf8)).isEmpty)
        let events = parser.feed(Array("ta: {\"a\":1}\r\ndata: x\n\nevent: telemetry\ndata:{}\n\n".utf8))
        #expect(events == [SSEEvent(name: "alert", id: "7-1", data: "{\"a\":1}\nx"), SSEEvent(name: "telemetry", id: nil, data: "{}")])
    }

    @Test func paramValuesAreTyped() {
        #expect(SendCommand.value("true") == .bool(true))
        #expect(SendCommand.value("24.5") == .number(24.5))
        #expect(SendCommand.value("external") == .string("external"))
        #expect(SendCommand.value("{\"a\":[1]}") == .object(["a": .array([.number(1)])]))
        #expect(SendCommand.value("") == .string(""))
    }

    @Test func statusesMapToExitCodes() {
        #expect(CLIFailure.forStatus(200, detail: "") == nil)
        #expect(CLIFailure.forStatus(400, detail: "")?.code == .usage)
        #expect(CLIFailure.forStatus(401, detail: "")?.code == .auth)
        #expect(CLIFailure.forStatus(403, detail: "")?.code == .auth)
        #expect(CLIFailure.forStatus(404, detail: "")?.code == .notFound)
        #expect(CLIFailure.forStatus(429, detail: "")?.code == .server)
        #expect(CLIFailure.forStatus(503, detail: "")?.code == .server)
    }

    @Test func tablesAlignColumns() {
        var table = Table("ID", "VALUE")
        table.add("tank_01", "24.5")
        table.add("x", "1")
        #expect(table.text == "ID       VALUE\ntank_01  24.5\nx        1")
    }

    @Test func numbersPrintWithoutNeedlessDecimals() {
        #expect(JSONValue.number(3).text == "3")
        #expect(JSONValue.number(24.567).text == "24.57")
        #expect(JSONValue.null.text == "-")
    }
}
