import SCADACore

/// The ISA-18.2 alarm state machine, as pure functions on an ``AlertRecord``. Each returns the transition
/// it made (and bumps `sequence`, sets `transition` and `eventTime`), or nil when the state did not change.
///
/// ```
///            condition                  acknowledge
///  normal ─────────────▶ active_unack ─────────────▶ active_ack
///    ▲  ▲                  │  ▲                        │
///    │  │ acknowledge      │  │ condition              │ condition gone
///    │  └──────────── returned_unack ◀─ condition gone │
///    └─────────────────────────────────────────────────┘
///  any ── shelve ──▶ shelved ── unshelve / expiry ──▶ active_unack (condition present) or normal
///  not normal ── device offline ──▶ suppressed ── device back ──▶ normal
/// ```
public enum AlarmLifecycle {
    /// The condition became present (after the on-delay) with `condition`'s severity and level.
    public static func raise(_ alarm: inout AlertRecord, _ condition: Condition, at time: Int64) -> AlertRecord.Transition? {
        alarm.active = true
        describe(&alarm, condition)
        switch alarm.state {
        case .normal, .returnedUnacknowledged:
            alarm.state = .activeUnacknowledged
            alarm.acknowledged = false
            alarm.raisedAt = time
            alarm.clearedAt = nil
            return record(&alarm, .raised, at: time)
        case .activeUnacknowledged, .activeAcknowledged, .shelved, .suppressed:
            return nil
        }
    }

    /// The condition is still present; severity or level may have changed (e.g. Hi → HiHi).
    public static func update(_ alarm: inout AlertRecord, _ condition: Condition, at time: Int64) -> AlertRecord.Transition? {
        guard alarm.state.isActive, alarm.severity != condition.severity || alarm.level != condition.level.name else { return nil }
        describe(&alarm, condition)
        if alarm.state == .activeAcknowledged, condition.severity > alarm.severity { alarm.state = .activeUnacknowledged }
        return record(&alarm, .updated, at: time)
    }

    /// The condition went away (after the off-delay).
    public static func clear(_ alarm: inout AlertRecord, value: Double?, at time: Int64) -> AlertRecord.Transition? {
        alarm.active = false
        switch alarm.state {
        case .activeUnacknowledged:
            alarm.state = .returnedUnacknowledged
        case .activeAcknowledged:
            alarm.state = .normal
        case .normal, .returnedUnacknowledged, .shelved, .suppressed:
            return nil
        }
        alarm.clearedAt = time
        if let value { alarm.value = value }
        alarm.message = "\(subject(alarm)) back to normal"
        return record(&alarm, .cleared, at: time)
    }

    /// Why an operator action was not applied.
    public struct Rejection: Error, Sendable, Equatable, CustomStringConvertible {
        public let description: String
    }

    /// Applies an operator action at `time`, recording it in the alarm's `actions` (bounded to the last `keep`).
    public static func apply(_ action: AlarmAction, to alarm: inout AlertRecord, at time: Int64,
                             keep: Int = 50) -> Result<AlertRecord.Transition, Rejection> {
        let transition: AlertRecord.Transition
        switch action.action {
        case .acknowledge:
            switch alarm.state {
            case .activeUnacknowledged: alarm.state = .activeAcknowledged
            case .returnedUnacknowledged: alarm.state = .normal
            default: return .failure(Rejection(description: "nothing to acknowledge: the alarm is \(alarm.state.rawValue)"))
            }
            alarm.acknowledged = true
            transition = .acknowledged
        case .shelve:
            guard let until = action.expiresAt else { return .failure(Rejection(description: "shelve needs expires_at")) }
            guard until > time else { return .failure(Rejection(description: "expires_at is in the past")) }
            alarm.state = .shelved
            alarm.shelvedUntil = until
            transition = .shelved
        case .unshelve:
            guard alarm.state == .shelved else { return .failure(Rejection(description: "the alarm is not shelved")) }
            unshelveState(&alarm)
            transition = .unshelved
        }
        alarm.actions.append(AlarmActionEntry(action: action.action, user: action.user, comment: action.comment, at: time,
                                              expiresAt: action.expiresAt, requestId: action.requestId))
        if alarm.actions.count > keep { alarm.actions.removeFirst(alarm.actions.count - keep) }
        return .success(record(&alarm, transition, at: time))
    }

    /// Ends a shelve whose time is up.
    public static func expireShelve(_ alarm: inout AlertRecord, now: Int64) -> AlertRecord.Transition? {
        guard alarm.state == .shelved, let until = alarm.shelvedUntil, until <= now else { return nil }
        unshelveState(&alarm)
        return record(&alarm, .unshelved, at: now)
    }

    /// Suppressed by design (the device is offline): only alarms that are not normal change state.
    public static func suppress(_ alarm: inout AlertRecord, at time: Int64) -> AlertRecord.Transition? {
        guard alarm.state != .normal, alarm.state != .suppressed, alarm.state != .shelved else { return nil }
        alarm.state = .suppressed
        return record(&alarm, .suppressed, at: time)
    }

    /// The device is back: a suppressed alarm returns to normal (its detector raises it again if still present).
    public static func unsuppress(_ alarm: inout AlertRecord, at time: Int64) -> AlertRecord.Transition? {
        guard alarm.state == .suppressed else { return nil }
        alarm.state = .normal
        alarm.active = false
        return record(&alarm, .unsuppressed, at: time)
    }

    private static func unshelveState(_ alarm: inout AlertRecord) {
        alarm.shelvedUntil = nil
        alarm.state = alarm.active ? .activeUnacknowledged : .normal
        alarm.acknowledged = false
    }

    private static func record(_ alarm: inout AlertRecord, _ transition: AlertRecord.Transition, at time: Int64) -> AlertRecord.Transition {
        alarm.transition = transition
        alarm.eventTime = time
        alarm.sequence += 1
        return transition
    }

    private static func describe(_ alarm: inout AlertRecord, _ condition: Condition) {
        alarm.severity = condition.severity
        alarm.level = condition.level.name
        alarm.value = condition.value.isFinite ? condition.value : nil
        alarm.threshold = condition.threshold.isFinite ? condition.threshold : nil
        alarm.message = message(alarm, condition)
    }

    private static func subject(_ alarm: AlertRecord) -> String {
        "\(alarm.deviceId)\(alarm.metric.map { " \($0)" } ?? "")"
    }

    private static func message(_ alarm: AlertRecord, _ condition: Condition) -> String {
        let value = formatted(condition.value), limit = formatted(condition.threshold)
        switch condition.level {
        case .hihi, .hi: return "\(subject(alarm)) \(value) above \(condition.level.name ?? "") limit \(limit)"
        case .lolo, .lo: return "\(subject(alarm)) \(value) below \(condition.level.name ?? "") limit \(limit)"
        case .rate: return "\(subject(alarm)) changing at \(value)/s (limit \(limit)/s)"
        case .zscore: return "\(subject(alarm)) z-score \(value) beyond \(limit)"
        case .ewma: return "\(subject(alarm)) drifting: trend \(value) past \(limit)"
        case .stuck: return "\(subject(alarm)) stuck at \(value)"
        case .silent: return "\(alarm.deviceId) silent for \(value) s (limit \(limit) s)"
        case .offline: return "\(alarm.deviceId) offline (last will)"
        case .gap: return "\(alarm.deviceId) lost \(value) messages (seq gap)"
        case .outOfOrder: return "\(alarm.deviceId) messages out of order by \(value)"
        case .flag: return "\(subject(alarm)) flag set by the device"
        case .none: return "\(subject(alarm))"
        }
    }

    private static func formatted(_ value: Double) -> String {
        guard value.isFinite else { return "\(value)" }
        return (value * 100).rounded() == value * 100 ? "\(value)" : "\((value * 100).rounded() / 100)"
    }
}
