import SCADACore
import Synchronization

/// Every alarm's current state (from the compacted `scada.alarm-state`, read from the beginning, and from the
/// transitions on `scada.alerts`), newest `sequence` wins; transitions go to the alert stream's replay log.
/// Requests waiting for the outcome of an operator action are answered when a record carrying their
/// `request_id` arrives.
final class AlarmView: Sendable {
    struct Alarm: Sendable {
        var record: AlertRecord
        var json: JSON
    }

    private let alarms = Mutex<[String: Alarm]>([:])
    let actionWaiters = Waiters<AlertRecord>()
    let hub: EventHub

    init(hub: EventHub) { self.hub = hub }

    var count: Int { alarms.withLock { $0.count } }
    func alarm(_ id: String) -> Alarm? { alarms.withLock { $0[id] } }
    func all() -> [Alarm] { alarms.withLock { Array($0.values) } }

    /// Applies a record; `transition` marks records from `scada.alerts` (published to live clients).
    func apply(_ record: AlertRecord, transition: Bool) {
        let json = Self.json(record)
        alarms.withLock { alarms in
            if let held = alarms[record.alertId], held.record.sequence > record.sequence { return }
            alarms[record.alertId] = Alarm(record: record, json: json)
        }
        if transition { hub.publish(name: "alert", key: record.deviceId, data: json.bytes) }
        for action in record.actions {
            if let request = action.requestId { actionWaiters.resolve(request, record) }
        }
    }

    static func json(_ record: AlertRecord) -> JSON {
        .object([
            ("alert_id", .string(record.alertId)), ("device_id", .string(record.deviceId)),
            ("device_type", .optional(record.deviceType)), ("site", .optional(record.site)), ("line", .optional(record.line)),
            ("rule", .string(record.rule)), ("detector", .optional(record.detector)), ("metric", .optional(record.metric)),
            ("severity", .string(record.severity.rawValue)), ("priority", record.priority.map { .int(Int64($0)) } ?? .null),
            ("state", .string(record.state.rawValue)), ("transition", .optional(record.transition?.rawValue)),
            ("active", .bool(record.active)), ("acknowledged", .bool(record.acknowledged)),
            ("value", .optional(record.value)), ("threshold", .optional(record.threshold)), ("level", .optional(record.level)),
            ("message", .string(record.message)), ("event_time", .int(record.eventTime)),
            ("event_time_iso", .string(ISOTime.string(milliseconds: record.eventTime))),
            ("raised_at", .optional(record.raisedAt)), ("cleared_at", .optional(record.clearedAt)),
            ("shelved_until", .optional(record.shelvedUntil)), ("sequence", .int(record.sequence)),
            ("actions", .array(record.actions.map { action in
                .object([("action", .string(action.action.rawValue)), ("user", .string(action.user)),
                         ("comment", .optional(action.comment)), ("at", .int(action.at)),
                         ("expires_at", .optional(action.expiresAt)), ("request_id", .optional(action.requestId))])
            })),
        ])
    }
}

/// The newest KPI message per key from `scada.analytics`, kept as the raw JSON the detector wrote.
final class AnalyticsView: Sendable {
    private let latest = Mutex<[String: (json: [UInt8], receivedAt: Int64)]>([:])

    /// Keeps `value` under `key` if it is JSON; false if it is not.
    @discardableResult
    func apply(key: String, value: [UInt8], receivedAt: Int64) -> Bool {
        guard JSON.parse(value) != nil else { return false }
        latest.withLock { $0[key] = (value, receivedAt) }
        return true
    }

    func all() -> [(key: String, json: [UInt8], receivedAt: Int64)] {
        latest.withLock { $0.map { ($0.key, $0.value.json, $0.value.receivedAt) } }.sorted { $0.key < $1.key }
    }
}
