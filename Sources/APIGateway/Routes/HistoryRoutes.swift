import Foundation
import Hummingbird
import SCADACore
import SCADAMongo

/// `GET /api/v1/devices/{id}/history`: raw samples (`telemetry`) or 1-minute rollups (`rollups`), or 1-hour
/// aggregates of those, chosen by the range or forced with `resolution`; JSON or `format=csv`.
enum HistoryRoutes {
    enum Resolution: String { case raw, oneMinute = "1m", oneHour = "1h" }

    struct Query {
        var device: String
        var metric: String?
        var from: Int64
        var to: Int64
        var resolution: Resolution
        var limit: Int
        var csv: Bool
    }

    static func add(to router: RouterGroup<GatewayContext>, state: GatewayState) {
        router.get("devices/{id}/history") { request, context in
            let query = try parse(request, device: try context.parameters.identifier("id"), configuration: state.configuration)
            return try await answer(query, state: state)
        }
    }

    static func parse(_ request: Request, device: String, configuration: APIGatewayConfiguration) throws(Problem) -> Query {
        let parameters = try QueryParameters(request, known: ["metric", "from", "to", "resolution", "format", "limit", "cursor"])
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        let to = try parameters.time("to") ?? now
        var from = try parameters.time("from") ?? (to - Int64(configuration.history.defaultRangeMinutes) * 60_000)
        guard from < to else { throw Problem.invalid("from", "must be before 'to'") }
        let forced = try parameters.choice("resolution", ["raw", "1m", "1h"]).flatMap(Resolution.init(rawValue:))
        let range = to - from
        let resolution = forced ?? (range <= Int64(configuration.history.rawMaxMinutes) * 60_000 ? .raw
                                    : range <= Int64(configuration.history.oneMinuteMaxHours) * 3_600_000 ? .oneMinute : .oneHour)
        if let cursor = try parameters.cursor() {
            guard let position = Int64(cursor), position >= from, position < to else {
                throw Problem.invalid("cursor", "not a cursor of this range")
            }
            from = position
        }
        let format = try parameters.choice("format", ["json", "csv"]) ?? "json"
        let limit = try parameters.limit(default: configuration.history.maxPoints, max: configuration.history.maxPoints)
        return Query(device: device, metric: try parameters.string("metric"), from: from, to: to, resolution: resolution,
                     limit: limit, csv: format == "csv")
    }

    static func answer(_ query: Query, state: GatewayState) async throws -> Response {
        let (points, next) = switch query.resolution {
        case .raw: try await raw(query, state: state)
        case .oneMinute, .oneHour: try await rollups(query, state: state)
        }
        if query.csv {
            return Responses.csv(csv(points, query: query), filename: "\(query.device)-\(query.resolution.rawValue).csv")
        }
        return Responses.json(.object([
            ("device_id", .string(query.device)), ("metric", .optional(query.metric)),
            ("resolution", .string(query.resolution.rawValue)), ("from", .int(query.from)), ("to", .int(query.to)),
            ("count", .int(Int64(points.count))), ("points", .array(points.map(\.json))),
            ("next_cursor", next.map { .string(Cursor.make(String($0))) } ?? .null),
        ]))
    }

    /// One point of a series: its time and, per metric, either a value or bucket statistics.
    struct Point {
        var time: Int64
        var values: [(String, Double)] = []
        var buckets: [(String, Stats)] = []
        var samples: Int64?

        var json: JSON {
            var fields: [(String, JSON)] = [("t", .int(time)), ("time", .string(ISOTime.string(milliseconds: time)))]
            if let samples { fields.append(("samples", .int(samples))) }
            if !values.isEmpty || buckets.isEmpty && samples == nil {
                fields.append(("values", .object(values.map { ($0.0, .double($0.1)) })))
            } else {
                fields.append(("stats", .object(buckets.map { ($0.0, $0.1.json) })))
            }
            return .object(fields)
        }
    }

    struct Stats {
        var min: Double, max: Double, sum: Double, count: Int64, last: Double
        var json: JSON {
            .object([("min", .double(min)), ("max", .double(max)), ("avg", .double(count > 0 ? sum / Double(count) : 0)),
                     ("count", .int(count)), ("last", .double(last))])
        }
        mutating func merge(_ other: Stats) {
            min = Swift.min(min, other.min); max = Swift.max(max, other.max); sum += other.sum; count += other.count; last = other.last
        }
    }

    static func raw(_ query: Query, state: GatewayState) async throws -> ([Point], Int64?) {
        let filter: BSONDocument = ["device_id": .string(query.device),
                                    "ts": ["$gte": .datetime(milliseconds: query.from), "$lt": .datetime(milliseconds: query.to)]]
        let documents = try await state.query { () throws(MongoError) in
            try await state.telemetry.find(filter, options: MongoFindOptions(sort: ["ts": 1], limit: query.limit + 1))
        }
        var points: [Point] = []
        for document in documents.prefix(query.limit) {
            guard let time = BSONConversion.milliseconds(document["ts"]), case .document(let metrics)? = document["metrics"] else { continue }
            // The range again, exactly: nx-27017 compares dates at coarser than millisecond precision.
            guard time >= query.from, time < query.to else { continue }
            var point = Point(time: time)
            for (field, value) in metrics {
                let name = FieldName.decode(field)
                if let metric = query.metric, metric != name { continue }
                if let number = value.asDouble { point.values.append((name, number)) }
            }
            point.values.sort { $0.0 < $1.0 }
            if query.metric == nil || !point.values.isEmpty { points.append(point) }
        }
        let next = documents.count > query.limit ? points.last.map { $0.time + 1 } : nil
        return (points, next)
    }

    static func rollups(_ query: Query, state: GatewayState) async throws -> ([Point], Int64?) {
        let hourly = query.resolution == .oneHour
        let bucketLimit = hourly ? query.limit * 60 : query.limit
        let filter: BSONDocument = ["device_id": .string(query.device),
                                    "minute": ["$gte": .datetime(milliseconds: query.from), "$lt": .datetime(milliseconds: query.to)]]
        let documents = try await state.query { () throws(MongoError) in
            try await state.rollups.find(filter, options: MongoFindOptions(sort: ["minute": 1], limit: bucketLimit + 1))
        }
        var points: [Point] = []
        for document in documents.prefix(bucketLimit) {
            guard let minute = BSONConversion.milliseconds(document["minute"]), case .document(let metrics)? = document["m"],
                  minute >= query.from, minute < query.to else { continue }
            let time = hourly ? minute - ((minute % 3_600_000) + 3_600_000) % 3_600_000 : minute
            var stats: [(String, Stats)] = []
            for (field, value) in metrics {
                let name = FieldName.decode(field)
                if let metric = query.metric, metric != name { continue }
                guard case .document(let bucket) = value, let min = bucket["min"]?.asDouble, let max = bucket["max"]?.asDouble,
                      let sum = bucket["sum"]?.asDouble, let count = bucket["count"]?.int64Value else { continue }
                stats.append((name, Stats(min: min, max: max, sum: sum, count: count, last: bucket["last"]?.asDouble ?? max)))
            }
            let samples = document["samples"]?.int64Value ?? 0
            if hourly, let index = points.indices.last, points[index].time == time {
                points[index].samples = (points[index].samples ?? 0) + samples
                for (name, stat) in stats {
                    if let position = points[index].buckets.firstIndex(where: { $0.0 == name }) {
                        points[index].buckets[position].1.merge(stat)
                    } else {
                        points[index].buckets.append((name, stat))
                    }
                }
            } else {
                points.append(Point(time: time, buckets: stats, samples: samples))
            }
        }
        for index in points.indices { points[index].buckets.sort { $0.0 < $1.0 } }
        if query.metric != nil { points.removeAll { $0.buckets.isEmpty } }
        var next: Int64?
        if documents.count > bucketLimit, let last = points.last {
            // The last hour may be incomplete: it starts the next page.
            if hourly, points.count > 1 { points.removeLast(); next = last.time } else { next = last.time + (hourly ? 3_600_000 : 60_000) }
        }
        return (points, next)
    }

    static func csv(_ points: [Point], query: Query) -> String {
        var lines: [String] = []
        if query.resolution == .raw {
            lines.append("time,metric,value")
            for point in points {
                let time = ISOTime.string(milliseconds: point.time)
                for (name, value) in point.values { lines.append("\(time),\(csvField(name)),\(value)") }
            }
        } else {
            lines.append("time,metric,min,max,avg,count,last")
            for point in points {
                let time = ISOTime.string(milliseconds: point.time)
                for (name, stats) in point.buckets {
                    let avg = stats.count > 0 ? stats.sum / Double(stats.count) : 0
                    lines.append("\(time),\(csvField(name)),\(stats.min),\(stats.max),\(avg),\(stats.count),\(stats.last)")
                }
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func csvField(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        return "\"" + text.replacing("\"", with: "\"\"") + "\""
    }
}
