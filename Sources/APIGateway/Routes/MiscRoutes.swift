import Foundation
import Hummingbird
import SCADACore
import SCADAMongo

/// `GET /api/v1/analytics/latest`, `GET /api/v1/deadletters`.
enum MiscRoutes {
    static func add(to router: RouterGroup<GatewayContext>, state: GatewayState) {
        // Who the token belongs to (clients show the role and hide what it may not do).
        router.get("whoami") { request, context in
            _ = try QueryParameters(request, known: [])
            let identity = try context.require(.viewer)
            let may = Role.allCases.filter { $0 <= identity.role }.map { JSON.string($0.rawValue) }
            return Responses.json(.object([("subject", .string(identity.subject)), ("role", .string(identity.role.rawValue)),
                                           ("method", .string(identity.method)), ("roles", .array(may))]))
        }
        router.get("analytics/latest") { request, _ in
            let query = try QueryParameters(request, known: ["key"])
            let key = try query.string("key")
            let items = state.analytics.all().filter { key == nil || $0.key == key }.map { item in
                JSON.object([("key", .string(item.key)), ("received_at", .int(item.receivedAt)), ("value", .raw(item.json))])
            }
            return Responses.json(.object([("items", .array(items)), ("count", .int(Int64(items.count)))]))
        }
        router.get("deadletters") { request, _ in
            let query = try QueryParameters(request, known: ["since", "limit", "cursor"])
            let since = try query.time("since")
            let limit = try query.limit(default: state.configuration.pagination.defaultLimit, max: state.configuration.pagination.maxLimit)
            let before = try query.cursor().map { cursor throws(Problem) -> Int64 in
                guard let id = Int64(cursor) else { throw Problem.invalid("cursor", "not a cursor this API returned") }
                return id
            }
            let (entries, more) = state.deadLetters.page(since: since, before: before, limit: limit)
            return Responses.page(entries.map(\.json), next: more ? entries.last.map { String($0.id) } : nil)
        }
    }
}

/// `POST /api/v1/devices/{id}/commands`, `GET /api/v1/commands/{id}`.
enum CommandRoutes {
    static func addRead(to router: RouterGroup<GatewayContext>, state: GatewayState) {
        router.get("commands/{id}") { request, context in
            _ = try QueryParameters(request, known: [])
            let id = try context.parameters.identifier("id")
            let document = try await state.query { () throws(MongoError) in try await state.commandsCollection.findOne(["_id": .string(id)]) }
            guard let document else { throw Problem(.notFound, "no command '\(id)'") }
            return Responses.json(json(document))
        }
    }

    static func addSend(to router: RouterGroup<GatewayContext>, state: GatewayState) {
        router.post("devices/{id}/commands") { request, context in
            let query = try QueryParameters(request, known: ["wait_ms"])
            let identity = try context.require(.operator)
            let device = try context.parameters.identifier("id")
            let configuration = state.configuration.commands
            let waitMs = try query.integer("wait_ms", range: 0...configuration.maxAckTimeoutMs) ?? configuration.ackTimeoutMs
            let body = try await readJSONObject(request, limit: state.configuration.limits.maxBodyBytes, required: true)
            try body.checkKnown(["command", "params"])
            guard case .string(let command)? = body[field: "command"], !command.isEmpty, command.utf8.count <= 100 else {
                throw Problem(.invalidBody, "'command' must be a non-empty string of at most 100 bytes", parameter: "command")
            }
            let params: JSON
            switch body[field: "params"] {
            case nil, .null?: params = .object([])
            case .object(let fields)?: params = .object(fields)
            default: throw Problem(.invalidBody, "'params' must be an object", parameter: "params")
            }
            let topic = try await deviceTopic(device, state: state)
            let (document, acked) = try await state.commands.send(device: device, deviceTopic: topic, command: command, params: params,
                                                                  identity: identity, timeout: .milliseconds(waitMs))
            return Responses.json(json(document), status: acked ? .ok : .accepted,
                                  headers: [.location: "/api/v1/commands/\(document["_id"]?.stringValue ?? "")"])
        }
    }

    /// The device's MQTT topic: from the live view, else from its newest stored sample.
    static func deviceTopic(_ device: String, state: GatewayState) async throws -> String {
        if let topic = state.latest.commandTopic(device), !topic.isEmpty { return topic }
        let newest = try await state.query { () throws(MongoError) in
            try await state.telemetry.findOne(["device_id": .string(device)], options: MongoFindOptions(sort: ["ts": -1]))
        }
        guard let topic = newest?["source_topic"]?.stringValue, !topic.isEmpty else {
            throw Problem(.notFound, "device '\(device)' is unknown (no telemetry seen, so its command topic is not known)")
        }
        return topic
    }

    static func json(_ document: BSONDocument) -> JSON {
        var fields: [(String, JSON)] = []
        for (key, value) in document {
            switch key {
            case "_id": fields.append(("command_id", BSONConversion.json(value)))
            case "params_json": fields.append(("params", value.stringValue.flatMap { JSON.parse(Array($0.utf8)) } ?? .object([])))
            default: fields.append((key, BSONConversion.json(value)))
            }
        }
        return .object(fields)
    }
}

/// Seed 003's dashboard API: `GET /api/devices/status`, `/api/devices/{id}/latest`, `/api/devices/{id}/history?duration=5m`.
enum CompatibilityRoutes {
    static func add(to router: RouterGroup<GatewayContext>, state: GatewayState) {
        router.get("devices/status") { request, _ in
            _ = try QueryParameters(request, known: [])
            let devices = state.latest.all().map { entry in
                JSON.object([("device_id", .string(entry.deviceID)), ("status", .string(entry.status ?? "unknown")),
                             ("online", .bool(entry.status == "online")),
                             ("last_seen", entry.eventTime.map { .string(ISOTime.string(milliseconds: $0)) } ?? .null)])
            }
            return Responses.json(.object([("devices", .array(devices)), ("count", .int(Int64(devices.count)))]))
        }
        router.get("devices/{id}/latest") { request, context in
            _ = try QueryParameters(request, known: [])
            let id = try context.parameters.identifier("id")
            guard let buffer = state.latest.compatLatest(id) else { throw Problem(.notFound, "no live values of device '\(id)' yet") }
            return Responses.json(buffer: buffer)
        }
        router.get("devices/{id}/history") { request, context in
            let parameters = try QueryParameters(request, known: ["duration", "metric"])
            let device = try context.parameters.identifier("id")
            let duration = try parameters.duration("duration", max: 7 * 86_400_000) ?? 300_000
            let now = Int64(Date().timeIntervalSince1970 * 1000)
            let configuration = state.configuration.history
            let resolution: HistoryRoutes.Resolution = duration <= Int64(configuration.rawMaxMinutes) * 60_000 ? .raw
                : duration <= Int64(configuration.oneMinuteMaxHours) * 3_600_000 ? .oneMinute : .oneHour
            let query = HistoryRoutes.Query(device: device, metric: try parameters.string("metric"), from: now - duration, to: now + 1,
                                            resolution: resolution, limit: configuration.maxPoints, csv: false)
            let (points, _) = resolution == .raw ? try await HistoryRoutes.raw(query, state: state)
                : try await HistoryRoutes.rollups(query, state: state)
            let data = points.map { point in
                var fields: [(String, JSON)] = [("timestamp", .string(ISOTime.string(milliseconds: point.time)))]
                for (name, value) in point.values where name != "timestamp" { fields.append((name, .double(value))) }
                for (name, stats) in point.buckets where name != "timestamp" {
                    fields.append((name, .double(stats.count > 0 ? stats.sum / Double(stats.count) : stats.last)))
                }
                return JSON.object(fields)
            }
            return Responses.json(.object([("device_id", .string(device)), ("duration", .string(parameters.values["duration"] ?? "5m")),
                                           ("count", .int(Int64(data.count))), ("data", .array(data))]))
        }
    }
}
