import Foundation
import Hummingbird
import SCADACore
import SCADAKafka
import SCADAMongo

/// `GET /api/v1/alerts`, `/api/v1/alerts/{id}` and the operator actions `POST /api/v1/alerts/{id}/ack|shelve|unshelve`.
enum AlertRoutes {
    static func addReads(to router: RouterGroup<GatewayContext>, state: GatewayState) {
        router.get("alerts") { request, _ in try list(request, state: state) }
        router.get("alerts/{id}") { request, context in
            _ = try QueryParameters(request, known: [])
            let id = try context.parameters.identifier("id")
            return try await detail(id, state: state)
        }
    }

    static func addActions(to router: RouterGroup<GatewayContext>, state: GatewayState) {
        for (path, kind) in [("ack", AlarmAction.Kind.acknowledge), ("shelve", .shelve), ("unshelve", .unshelve)] {
            router.post("alerts/{id}/\(path)") { request, context in
                try await act(kind, request: request, context: context, state: state)
            }
        }
    }

    static func list(_ request: Request, state: GatewayState) throws -> Response {
        let query = try QueryParameters(request, known: ["state", "severity", "device", "active", "from", "to", "limit", "cursor"])
        let states = try query.string("state").map { text throws(Problem) -> Set<String> in
            let names = Set(text.split(separator: ",").map(String.init))
            for name in names where AlertRecord.State(rawValue: name) == nil {
                throw Problem.invalid("state", "'\(name)' is not one of \(AlertRecord.State.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            return names
        }
        let severity = try query.choice("severity", AlertRecord.Severity.allCases.map(\.rawValue))
        let device = try query.string("device")
        let active = try query.bool("active")
        let from = try query.time("from"), to = try query.time("to")
        if let from, let to, from >= to { throw Problem.invalid("from", "must be before 'to'") }
        let limit = try query.limit(default: state.configuration.pagination.defaultLimit, max: state.configuration.pagination.maxLimit)
        // Newest first; the cursor is the (event time, id) of the last alarm of the previous page.
        var after: (Int64, String)?
        if let cursor = try query.cursor() {
            let parts = cursor.split(separator: "|", maxSplits: 1)
            guard parts.count == 2, let time = Int64(parts[0]) else { throw Problem.invalid("cursor", "not a cursor this API returned") }
            after = (time, String(parts[1]))
        }
        var alarms = state.alarms.all().filter { alarm in
            let record = alarm.record
            if let states, !states.contains(record.state.rawValue) { return false }
            if let severity, record.severity.rawValue != severity { return false }
            if let device, record.deviceId != device { return false }
            if let active, record.active != active { return false }
            if let from, record.eventTime < from { return false }
            if let to, record.eventTime >= to { return false }
            if let (time, id) = after { return record.eventTime < time || (record.eventTime == time && record.alertId > id) }
            return true
        }
        alarms.sort { ($0.record.eventTime, $1.record.alertId) > ($1.record.eventTime, $0.record.alertId) }
        let page = Array(alarms.prefix(limit))
        let next = alarms.count > limit ? page.last.map { "\($0.record.eventTime)|\($0.record.alertId)" } : nil
        return Responses.page(page.map(\.json), next: next)
    }

    /// The alarm's state with its operator actions, and its transitions from MongoDB `alerts` (newest 200).
    static func detail(_ id: String, state: GatewayState) async throws -> Response {
        let history = try await state.query { () throws(MongoError) in
            try await state.alertsCollection.find(["alert_id": .string(id), "kind": "event"],
                                                  options: MongoFindOptions(sort: ["ts": -1], limit: 200))
        }
        let transitions = JSON.array(history.map { document in
            var event = document
            _ = event.removeValue(forKey: "_id")
            return BSONConversion.json(event)
        })
        if let alarm = state.alarms.alarm(id), case .object(let fields) = alarm.json {
            return Responses.json(.object(fields + [("transitions", transitions)]))
        }
        let stored = try await state.query { () throws(MongoError) in try await state.alertsCollection.findOne(["_id": .string(id)]) }
        guard var stored else { throw Problem(.notFound, "no alarm '\(id)'") }
        _ = stored.removeValue(forKey: "_id")
        guard case .object(let fields) = BSONConversion.json(stored) else { throw Problem(.notFound, "no alarm '\(id)'") }
        return Responses.json(.object([("alert_id", .string(id))] + fields + [("actions", .array([])), ("transitions", transitions)]))
    }

    static func act(_ kind: AlarmAction.Kind, request: Request, context: GatewayContext, state: GatewayState) async throws -> Response {
        _ = try QueryParameters(request, known: [])
        let identity = try context.require(.operator)
        let id = try context.parameters.identifier("id")
        let body = try await readJSONObject(request, limit: state.configuration.limits.maxBodyBytes, required: false)
        try body.checkKnown(kind == .shelve ? ["comment", "duration", "until"] : ["comment"])
        var comment: String?
        switch body[field: "comment"] {
        case nil, .null?: comment = nil
        case .string(let text)? where text.utf8.count <= 1000: comment = text
        default: throw Problem(.invalidBody, "'comment' must be a string of at most 1000 bytes", parameter: "comment")
        }
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        var expiresAt: Int64?
        if kind == .shelve {
            let maximum = Int64(state.configuration.alarmActions.maxShelveHours) * 3_600_000
            switch (body[field: "duration"], body[field: "until"]) {
            case (.string(let text)?, nil):
                guard let ms = TimeParser.durationMilliseconds(text), ms > 0, ms <= maximum else {
                    throw Problem(.invalidBody, "'duration' must be like 30m, 8h, 2d (at most \(maximum / 3_600_000) h)", parameter: "duration")
                }
                expiresAt = now + ms
            case (nil, .string(let text)?):
                guard let until = TimeParser.milliseconds(text), until > now, until - now <= maximum else {
                    throw Problem(.invalidBody, "'until' must be a future ISO-8601 time or epoch ms within \(maximum / 3_600_000) h", parameter: "until")
                }
                expiresAt = until
            case (nil, .int(let until)?):
                guard until > now, until - now <= maximum else {
                    throw Problem(.invalidBody, "'until' must be a future time within \(maximum / 3_600_000) h", parameter: "until")
                }
                expiresAt = until
            default:
                throw Problem(.invalidBody, "shelving needs exactly one of 'duration' or 'until'", parameter: "duration")
            }
        }
        guard state.alarms.alarm(id) != nil else {
            let stored = try await state.query { () throws(MongoError) in try await state.alertsCollection.findOne(["_id": .string(id)]) }
            guard stored != nil else { throw Problem(.notFound, "no alarm '\(id)'") }
            return try await send(kind, id: id, identity: identity, comment: comment, expiresAt: expiresAt, now: now, state: state)
        }
        return try await send(kind, id: id, identity: identity, comment: comment, expiresAt: expiresAt, now: now, state: state)
    }

    /// Writes the action to `scada.alert-actions` (keyed by alarm id) and waits, bounded, for the alarm's new
    /// state carrying the request id: 200 with it, or 202 with the request id when it did not come in time.
    static func send(_ kind: AlarmAction.Kind, id: String, identity: Identity, comment: String?, expiresAt: Int64?, now: Int64,
                     state: GatewayState) async throws -> Response {
        let requestID = "req-" + UUID().uuidString.lowercased()
        let action = AlarmAction(alarmId: id, action: kind, user: identity.subject, comment: comment, expiresAt: expiresAt,
                                 requestedAt: now, requestId: requestID)
        let outcome = state.alarms.actionWaiters.register(requestID)
        do {
            _ = try await state.producer.send(KafkaProducerRecord(topic: Topics.alertActions, key: id, value: try action.jsonBytes()))
        } catch {
            state.alarms.actionWaiters.remove(requestID)
            state.logger.warning("could not write an alarm action", metadata: ["alarm": "\(id)", "error": "\(error)"])
            throw Problem(.unavailable, "the alarm action could not be written to Kafka")
        }
        state.metrics.alarmActions.increment()
        let timeout = Duration.milliseconds(state.configuration.alarmActions.resultTimeoutMs)
        guard let record = await Waiters.first(of: outcome, within: timeout) else {
            state.alarms.actionWaiters.remove(requestID)
            return Responses.json(.object([("request_id", .string(requestID)), ("alert_id", .string(id)),
                                           ("action", .string(kind.rawValue)), ("status", .string("pending"))]),
                                  status: .accepted)
        }
        guard case .object(let fields) = AlarmView.json(record) else { return Responses.json(AlarmView.json(record)) }
        return Responses.json(.object([("request_id", .string(requestID))] + fields))
    }
}
