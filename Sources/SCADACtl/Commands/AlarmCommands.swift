import ArgumentParser
import Foundation

/// `scadactl alarms [--all] [--watch]`: alarms needing attention (or all), then optionally their transitions live.
struct AlarmsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "alarms", abstract: "List alarms; --watch follows transitions (SSE).")
    @OptionGroup var api: APIOptions
    @Flag(help: "Every alarm, also normal and shelved ones.") var all = false
    @Option(help: "Only alarms of this device.") var device: String?
    @Flag(help: "After the list, print each transition as it happens.") var watch = false
    @Option(help: "With --watch: stop after this many transitions.") var count: Int?

    static let attention = "active_unacknowledged,active_acknowledged,returned_unacknowledged"

    func run() async throws {
        let client = try api.client()
        let items = try await client.items("/api/v1/alerts", query: [("state", all ? nil : Self.attention), ("device", device), ("limit", "1000")])
        if api.json {
            emit(JSONValue.object(["items": .array(items), "count": .number(Double(items.count))]).prettyJSON)
        } else {
            var table = Table("ALARM", "PRIORITY", "SEVERITY", "STATE", "VALUE", "SINCE", "MESSAGE")
            for alarm in items { table.add(alarm["alert_id"]?.text ?? "-", alarm["priority"]?.text ?? "-", alarm["severity"]?.text ?? "-",
                                           alarm["state"]?.text ?? "-", alarm["value"]?.text ?? "-",
                                           isoTime(alarm["raised_at"] ?? alarm["event_time"]), alarm["message"]?.text ?? "") }
            emit(table.text)
        }
        guard watch else { return }
        var seen = 0
        try await client.stream("/api/v1/alerts/stream", query: [("device", device)]) { event in
            guard event.name == "alert" else { return true }
            if api.json {
                emit(event.data)
            } else if let alarm = JSONValue.parse(Array(event.data.utf8)) {
                emit("\(isoTime(alarm["event_time"]))  \(alarm["alert_id"]?.text ?? "-")  \(alarm["transition"]?.text ?? "-") -> \(alarm["state"]?.text ?? "-")  \(alarm["message"]?.text ?? "")")
            }
            seen += 1
            return count.map { seen < $0 } ?? true
        }
    }
}

/// `scadactl ack|shelve|unshelve ALARM`: operator actions, answered once the detector applied them.
struct AlarmActionCommand {
    static func perform(_ api: APIOptions, alarm: String, action: String, body: [String: JSONValue]) async throws {
        let answer = try await api.client().send(.POST, "/api/v1/alerts/\(pathSegment(alarm))/\(action)", json: .object(body))
        if api.json { emit(answer.text) } else {
            let result = answer.json
            if answer.status == 202 {
                emit("\(alarm): \(action) requested (\(result["request_id"]?.text ?? "-")), not applied yet")
            } else {
                emit("\(alarm): \(result["state"]?.text ?? "-")")
            }
        }
        if answer.status == 202 { throw CLIFailure(.pending, "\(action) of \(alarm) not confirmed by the detector in time") }
    }
}

struct AckCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "ack", abstract: "Acknowledge an alarm.")
    @OptionGroup var api: APIOptions
    @Argument(help: "Alarm id (see `scadactl alarms`).") var alarm: String
    @Option(help: "Comment for the audit trail.") var comment: String?

    func run() async throws {
        try await AlarmActionCommand.perform(api, alarm: alarm, action: "ack", body: comment.map { ["comment": .string($0)] } ?? [:])
    }
}

struct ShelveCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "shelve", abstract: "Shelve an alarm for a while.")
    @OptionGroup var api: APIOptions
    @Argument(help: "Alarm id.") var alarm: String
    @Option(name: .customLong("for"), help: "How long (e.g. 30m, 1h, 8h).") var duration: String = "1h"
    @Option(help: "Comment for the audit trail.") var comment: String?

    func validate() throws {
        guard duration.wholeMatch(of: /[0-9]+(s|m|h|d)/) != nil else { throw ValidationError("--for must look like 30m, 1h or 2d") }
    }

    func run() async throws {
        var body: [String: JSONValue] = ["duration": .string(duration)]
        if let comment { body["comment"] = .string(comment) }
        try await AlarmActionCommand.perform(api, alarm: alarm, action: "shelve", body: body)
    }
}

struct UnshelveCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "unshelve", abstract: "Return a shelved alarm to service.")
    @OptionGroup var api: APIOptions
    @Argument(help: "Alarm id.") var alarm: String

    func run() async throws { try await AlarmActionCommand.perform(api, alarm: alarm, action: "unshelve", body: [:]) }
}
