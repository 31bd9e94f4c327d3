import ArgumentParser
import Foundation

/// `scadactl history ID METRIC`: a metric over a time range, raw or from rollups, as a table or CSV.
struct HistoryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "history", abstract: "Show a metric's history.")
    @OptionGroup var api: APIOptions
    @Argument(help: "Device id.") var id: String
    @Argument(help: "Metric name (e.g. temperature, voltages.L1).") var metric: String
    @Option(help: "Start (ISO-8601 or epoch ms; default: the gateway's default range before --to).") var from: String?
    @Option(help: "End (ISO-8601 or epoch ms; default: now).") var to: String?
    @Option(help: "raw, 1m or 1h (default: chosen from the range).") var resolution: String?
    @Flag(help: "Print CSV (the gateway's export).") var csv = false

    func validate() throws {
        if let resolution, !["raw", "1m", "1h"].contains(resolution) { throw ValidationError("--resolution must be raw, 1m or 1h") }
    }

    func run() async throws {
        let client = try api.client()
        let path = "/api/v1/devices/\(pathSegment(id))/history"
        let query: [(String, String?)] = [("metric", metric), ("from", from), ("to", to), ("resolution", resolution)]
        if csv {
            emit(try await client.get(path, query: query + [("format", "csv")]).text, newline: false)
            return
        }
        let answer = try await client.get(path, query: query)
        if api.json { emit(answer.text); return }
        let history = answer.json
        let points = history["points"]?.items ?? []
        if history["resolution"]?.string == "raw" {
            var table = Table("TIME", metric.uppercased())
            for point in points { table.add(isoTime(point["t"]), point["values"]?[metric]?.text ?? "-") }
            emit(table.text)
        } else {
            var table = Table("TIME", "AVG", "MIN", "MAX", "COUNT")
            for point in points {
                let stats = point["stats"]?[metric]
                table.add(isoTime(point["t"]), stats?["avg"]?.text ?? "-", stats?["min"]?.text ?? "-", stats?["max"]?.text ?? "-",
                          stats?["count"]?.text ?? "-")
            }
            emit(table.text)
        }
        if history["next_cursor"]?.string != nil {
            FileHandle.standardError.write(Data("(more points: narrow the range or use --csv)\n".utf8))
        }
    }
}

/// `scadactl tail ID...`: live telemetry of devices over SSE.
struct TailCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "tail", abstract: "Follow devices' live telemetry (SSE).")
    @OptionGroup var api: APIOptions
    @Argument(help: "Device ids (none: every device).") var ids: [String] = []
    @Option(help: "Stop after this many events (default: run until interrupted).") var count: Int?

    func run() async throws {
        var seen = 0
        try await api.client().stream("/api/v1/telemetry/stream", query: [("device", ids.isEmpty ? nil : ids.joined(separator: ","))]) { event in
            guard event.name == "telemetry" || event.name == "status" else { return true }
            if api.json {
                emit(event.data)
            } else if let data = JSONValue.parse(Array(event.data.utf8)) {
                let values = (data["metrics"]?.fields ?? [:]).merging(data["states"]?.fields ?? [:]) { a, _ in a }
                    .sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value.text)" }.joined(separator: " ")
                emit("\(isoTime(data["event_time"]))  \(data["device_id"]?.text ?? "-")  \(data["status"]?.text ?? "-")  \(values)")
            }
            seen += 1
            return count.map { seen < $0 } ?? true
        }
    }
}
