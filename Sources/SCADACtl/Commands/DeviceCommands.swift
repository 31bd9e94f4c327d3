import ArgumentParser
import Foundation

/// `scadactl devices`: the registry with live status and completeness.
struct DevicesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "devices", abstract: "List devices (status, last seen, completeness).")
    @OptionGroup var api: APIOptions
    @Option(help: "Only this device type (e.g. fish_tank).") var type: String?
    @Option(help: "Only this site.") var site: String?
    @Option(help: "Only this line.") var line: String?
    @Option(help: "Only online (true) or offline (false) devices.") var online: Bool?

    func run() async throws {
        let items = try await api.client().items("/api/v1/devices", query: [("type", type), ("site", site), ("line", line),
                                                                          ("online", online.map(String.init)), ("limit", "1000")])
        if api.json { emit(JSONValue.object(["items": .array(items), "count": .number(Double(items.count))]).prettyJSON); return }
        var table = Table("DEVICE", "TYPE", "SITE", "LINE", "STATUS", "LAST SEEN", "COMPLETE")
        for item in items {
            table.add(item["device_id"]?.text ?? "-", item["device_type"]?.text ?? "-", item["site"]?.text ?? "-",
                      item["line"]?.text ?? "-", item["status"]?.text ?? "-", isoTime(item["last_seen"]),
                      percent(item["completeness"]?["ratio"]))
        }
        emit(table.text)
    }
}

/// `scadactl device ID`: one device's registry entry and last values.
struct DeviceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "device", abstract: "Show one device.")
    @OptionGroup var api: APIOptions
    @Argument(help: "Device id.") var id: String

    func run() async throws {
        let answer = try await api.client().get("/api/v1/devices/\(pathSegment(id))")
        if api.json { emit(answer.text); return }
        let device = answer.json
        for key in ["device_id", "device_type", "site", "line", "status", "source_topic", "messages"] {
            emit("\(key.padding(toLength: 14, withPad: " ", startingAt: 0)) \(device[key]?.text ?? "-")")
        }
        for key in ["status_since", "first_seen", "last_seen", "last_values_at"] {
            emit("\(key.padding(toLength: 14, withPad: " ", startingAt: 0)) \(isoTime(device[key]))")
        }
        let completeness = device["completeness"]
        emit("completeness   \(percent(completeness?["ratio"])) (expected \(completeness?["expected"]?.text ?? "-"), stored \(completeness?["stored"]?.text ?? "-"), missing \(completeness?["missing"]?.text ?? "-"), duplicates \(completeness?["duplicates"]?.text ?? "-"))")
        var table = Table("METRIC", "LAST VALUE")
        for (name, value) in (device["last_values"]?.fields ?? [:]).sorted(by: { $0.key < $1.key }) { table.add(name, value.text) }
        if !table.rows.isEmpty { emit(""); emit(table.text) }
    }
}

/// `scadactl latest ID`: the newest live values.
struct LatestCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "latest", abstract: "Show a device's newest live values.")
    @OptionGroup var api: APIOptions
    @Argument(help: "Device id.") var id: String

    func run() async throws {
        let answer = try await api.client().get("/api/v1/devices/\(pathSegment(id))/latest")
        if api.json { emit(answer.text); return }
        let latest = answer.json
        emit("\(latest["device_id"]?.text ?? id)  \(latest["status"]?.text ?? "-")  at \(isoTime(latest["event_time"]))  seq \(latest["seq"]?.text ?? "-")")
        var table = Table("NAME", "VALUE")
        for (name, value) in (latest["metrics"]?.fields ?? [:]).sorted(by: { $0.key < $1.key }) { table.add(name, value.text) }
        for (name, value) in (latest["states"]?.fields ?? [:]).sorted(by: { $0.key < $1.key }) { table.add(name, value.text) }
        emit(table.text)
    }
}

/// `scadactl completeness`: per-device data-loss report, worst first.
struct CompletenessCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "completeness", abstract: "Per-device data completeness (missing samples, duplicates).")
    @OptionGroup var api: APIOptions

    func run() async throws {
        let items = try await api.client().items("/api/v1/devices", query: [("limit", "1000")])
        let rows = items.map { item -> (String, JSONValue) in (item["device_id"]?.text ?? "-", item["completeness"] ?? .null) }
            .sorted { ($0.1["ratio"]?.number ?? 2, $0.0) < ($1.1["ratio"]?.number ?? 2, $1.0) }
        if api.json {
            emit(JSONValue.array(rows.map { .object(["device_id": .string($0.0), "completeness": $0.1]) }).prettyJSON)
            return
        }
        var table = Table("DEVICE", "EXPECTED", "STORED", "MISSING", "DUPLICATES", "COMPLETE")
        for (id, c) in rows {
            table.add(id, c["expected"]?.text ?? "-", c["stored"]?.text ?? "-", c["missing"]?.text ?? "-", c["duplicates"]?.text ?? "-",
                      percent(c["ratio"]))
        }
        emit(table.text)
    }
}

/// `scadactl deadletters`: recent rejected records.
struct DeadLettersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "deadletters", abstract: "Show recent dead letters (rejected input).")
    @OptionGroup var api: APIOptions
    @Option(help: "Only since this time (ISO-8601 or epoch ms).") var since: String?
    @Option(help: "At most this many.") var limit: Int = 50

    func run() async throws {
        let answer = try await api.client().get("/api/v1/deadletters", query: [("since", since), ("limit", String(limit))])
        if api.json { emit(answer.text); return }
        var table = Table("TIME", "SERVICE", "REASON", "SOURCE", "DETAIL")
        for item in answer.json["items"]?.items ?? [] {
            table.add(isoTime(item["rejected_at"]), item["service"]?.text ?? "-", item["reason"]?.text ?? "-",
                      item["source"]?.text ?? "-", String((item["detail"]?.text ?? "").prefix(80)))
        }
        emit(table.text)
    }
}

func percent(_ value: JSONValue?) -> String {
    guard let ratio = value?.number else { return "-" }
    return String(format: "%.2f%%", ratio * 100)
}

/// One URL path segment, percent-encoded.
func pathSegment(_ text: String) -> String {
    text.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(CharacterSet(charactersIn: "/"))) ?? text
}
