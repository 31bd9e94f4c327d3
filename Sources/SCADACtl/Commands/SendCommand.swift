import ArgumentParser
import Foundation

/// `scadactl command ID NAME --param k=v`: a device command, waiting for the device's ack.
struct SendCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "command", abstract: "Send a command to a device and show its ack.",
        discussion: "Exit 0 when the device accepted it, 6 when it rejected it, 7 when no ack came in time.")
    @OptionGroup var api: APIOptions
    @Argument(help: "Device id.") var id: String
    @Argument(help: "Command (e.g. set_heater, set_range, set_controller, set_setpoint, set_power).") var name: String
    @Option(name: .customLong("param"), help: "A parameter k=v (true/false and numbers are typed; repeatable).") var params: [String] = []
    @Option(help: "Milliseconds to wait for the ack.") var waitMs: Int = 5000

    func validate() throws {
        for param in params where !param.contains("=") || param.hasPrefix("=") { throw ValidationError("--param '\(param)' is not k=v") }
    }

    static func value(_ text: String) -> JSONValue {
        if text == "true" { return .bool(true) }
        if text == "false" { return .bool(false) }
        if text == "null" { return .null }
        if let number = Double(text), number.isFinite { return .number(number) }
        if text.hasPrefix("{") || text.hasPrefix("["), let json = JSONValue.parse(Array(text.utf8)) { return json }
        return .string(text)
    }

    func run() async throws {
        var fields: [String: JSONValue] = [:]
        for param in params {
            let parts = param.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
            fields[parts[0]] = Self.value(parts.count > 1 ? parts[1] : "")
        }
        let answer = try await api.client().send(.POST, "/api/v1/devices/\(pathSegment(id))/commands",
                                                 query: [("wait_ms", String(waitMs))],
                                                 json: .object(["command": .string(name), "params": .object(fields)]))
        let result = answer.json
        let status = result["status"]?.string ?? (answer.status == 202 ? "pending" : "unknown")
        if api.json { emit(answer.text) } else {
            let reason = result["ack"]?["reason"]?.string.map { " (\($0))" } ?? ""
            emit("\(result["command_id"]?.text ?? "-")  \(id)  \(name)  \(status)\(reason)")
        }
        switch status {
        case "accepted": return
        case "rejected": throw CLIFailure(.rejected, "\(id) rejected \(name)")
        default: throw CLIFailure(.pending, "no ack from \(id) within \(waitMs) ms")
        }
    }
}
