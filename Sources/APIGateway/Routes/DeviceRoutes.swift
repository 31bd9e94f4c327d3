import Hummingbird
import SCADACore
import SCADAMongo

/// `GET /api/v1/devices`, `/api/v1/devices/{id}`, `/api/v1/devices/{id}/latest`.
enum DeviceRoutes {
    static func add(to router: RouterGroup<GatewayContext>, state: GatewayState) {
        router.get("devices") { request, _ in try await list(request, state: state) }
        router.get("devices/{id}") { request, context in
            _ = try QueryParameters(request, known: [])
            let id = try context.parameters.identifier("id")
            let document = try await state.query { () throws(MongoError) in try await state.devices.findOne(["_id": .string(id)]) }
            let live = state.latest.entry(id)
            guard document != nil || live != nil else { throw Problem(.notFound, "no device '\(id)'") }
            return Responses.json(deviceJSON(id: id, document: document, live: live, detail: true))
        }
        router.get("devices/{id}/latest") { request, context in
            if request.uri.query != nil { _ = try QueryParameters(request, known: []) }
            let id = try context.parameters.identifier("id")
            guard let buffer = state.latest.latest(id) else { throw Problem(.notFound, "no live values of device '\(id)' yet") }
            return Responses.json(buffer: buffer)
        }
    }

    static func list(_ request: Request, state: GatewayState) async throws -> Response {
        let query = try QueryParameters(request, known: ["type", "site", "line", "online", "limit", "cursor"])
        let limit = try query.limit(default: state.configuration.pagination.defaultLimit, max: state.configuration.pagination.maxLimit)
        let type = try query.string("type"), site = try query.string("site"), line = try query.string("line")
        let online = try query.bool("online")
        let after = try query.cursor()
        var filter: BSONDocument = [:]
        if let type { filter["device_type"] = .string(type) }
        if let site { filter["site"] = .string(site) }
        if let line { filter["line"] = .string(line) }
        if let after { filter["_id"] = ["$gt": .string(after)] }
        let documents = try await state.query { () throws(MongoError) in
            try await state.devices.find(filter, options: MongoFindOptions(sort: ["_id": 1], limit: limit + 1))
        }
        var merged: [String: (BSONDocument?, LatestView.Entry?)] = [:]
        for document in documents {
            if case .string(let id)? = document["_id"] { merged[id] = (document, state.latest.entry(id)) }
        }
        // Devices the live view knows but the registry does not have yet.
        for entry in state.latest.all() where merged[entry.deviceID] == nil {
            if let after, entry.deviceID <= after { continue }
            if let type, entry.deviceType != type { continue }
            if let site, entry.site != site { continue }
            if let line, entry.line != line { continue }
            merged[entry.deviceID] = (nil, entry)
        }
        var items: [(String, JSON)] = []
        for id in merged.keys.sorted() {
            guard let (document, live) = merged[id] else { continue }
            let json = deviceJSON(id: id, document: document, live: live, detail: false)
            if let online, case .object(let fields) = json, fields[field: "online"] != .bool(online) { continue }
            items.append((id, json))
        }
        let more = items.count > limit || documents.count > limit
        let page = Array(items.prefix(limit))
        return Responses.page(page.map(\.1), next: more ? page.last?.0 : nil)
    }

    /// A device's registry entry (MongoDB `devices`), with the live view's status when it is newer.
    static func deviceJSON(id: String, document: BSONDocument?, live: LatestView.Entry?, detail: Bool) -> JSON {
        func int(_ key: String) -> Int64? { document?[key]?.int64Value }
        func time(_ key: String) -> Int64? { BSONConversion.milliseconds(document?[key]) }
        func text(_ key: String) -> String? { document?[key]?.stringValue }
        var status = text("status")
        var statusSince = time("status_since")
        if let liveStatus = live?.status, (live?.statusSince ?? 0) >= (statusSince ?? 0) {
            status = liveStatus
            statusSince = live?.statusSince
        }
        let lastSeen = max(time("last_seen") ?? .min, live?.eventTime ?? .min)
        let seqMin = int("seq_min"), seqMax = int("seq_max"), stored = int("seq_stored") ?? 0
        let expected = seqMin.flatMap { low in seqMax.map { $0 - low + 1 } }
        let missing = expected.map { max(0, $0 - stored) }
        var fields: [(String, JSON)] = [
            ("device_id", .string(id)), ("device_type", .optional(text("device_type") ?? live?.deviceType)),
            ("site", .optional(text("site") ?? live?.site)), ("line", .optional(text("line") ?? live?.line)),
            ("online", status.map { .bool($0 == "online") } ?? .null), ("status", .string(status ?? "unknown")),
            ("status_since", .optional(statusSince)),
            ("first_seen", .optional(time("first_seen"))), ("last_seen", lastSeen == .min ? .null : .int(lastSeen)),
            ("messages", .optional(int("messages"))),
            ("completeness", .object([
                ("seq_min", .optional(seqMin)), ("seq_max", .optional(seqMax)), ("expected", .optional(expected)),
                ("stored", .int(stored)), ("missing", .optional(missing)), ("duplicates", .int(int("duplicates") ?? 0)),
                ("ratio", expected.map { $0 > 0 ? .double(min(1, Double(stored) / Double($0))) : .null } ?? .null),
            ])),
        ]
        if detail {
            var values: [(String, JSON)] = []
            if case .document(let stored)? = document?["last_values"] {
                for (field, value) in stored { if let number = value.asDouble { values.append((FieldName.decode(field), .double(number))) } }
            }
            fields.append(("last_values", .object(values.sorted { $0.0 < $1.0 })))
            fields.append(("last_values_at", .optional(time("last_values_at"))))
            fields.append(("source_topic", .optional(live?.sourceTopic)))
        }
        return .object(fields)
    }
}
