/// One alarm transition on `scada.alerts` (keyed by device id), and the alarm's whole current state on
/// the compacted `scada.alarm-state` (keyed by alarm id). Schema version 2; version 1 records
/// (`state: raised | cleared`) still decode, mapped onto the ISA-18.2 states.
///
/// There is exactly one alarm per (device, rule, metric): ``alertId`` is ``AlertRecord/alarmID(device:rule:metric:)``
/// and every transition of that alarm carries it, with ``sequence`` counting its transitions from 1.
public struct AlertRecord: Codable, Sendable, Equatable {
    public static let currentSchemaVersion = 2

    /// ISA-18.2 alarm states.
    public enum State: String, Codable, Sendable, CaseIterable {
        /// The condition is absent and nothing is waiting for an operator.
        case normal
        /// The condition is present and no operator has acknowledged it.
        case activeUnacknowledged = "active_unacknowledged"
        /// The condition is present and an operator acknowledged it.
        case activeAcknowledged = "active_acknowledged"
        /// The condition went away before anyone acknowledged it.
        case returnedUnacknowledged = "returned_unacknowledged"
        /// An operator shelved it (until ``AlertRecord/shelvedUntil``): it does not annunciate.
        case shelved
        /// Suppressed by design (e.g. the device is offline, so its value alarms are meaningless).
        case suppressed

        /// The condition is present (whatever the operator did about it).
        public var isActive: Bool { self == .activeUnacknowledged || self == .activeAcknowledged }
        /// Should be shown to operators as needing attention.
        public var needsAttention: Bool { self == .activeUnacknowledged || self == .activeAcknowledged || self == .returnedUnacknowledged }
    }

    /// What happened in this transition.
    public enum Transition: String, Codable, Sendable, CaseIterable {
        case raised, cleared, acknowledged, shelved, unshelved, suppressed, unsuppressed
        /// Value or message changed while the state did not (e.g. severity escalated Hi → HiHi).
        case updated
    }

    public enum Severity: String, Codable, Sendable, CaseIterable, Comparable {
        case info, warning, critical
        private var rank: Int { self == .info ? 0 : self == .warning ? 1 : 2 }
        public static func < (lhs: Severity, rhs: Severity) -> Bool { lhs.rank < rhs.rank }
    }

    public var schemaVersion: Int
    /// Stable id of the alarm: the same for every transition of one (device, rule, metric).
    public var alertId: String
    public var deviceId: String
    public var deviceType: String?
    public var site: String?
    public var line: String?
    /// The rule (from the rules file) that owns the alarm, e.g. `manufacturing-temperature-limits`.
    public var rule: String
    /// The detector kind, e.g. `limits`, `rate_of_change`, `zscore`, `ewma`, `stuck`, `silence`, `seq_gap`, `flag`.
    public var detector: String?
    public var metric: String?
    public var severity: Severity
    /// ISA-18.2 priority, 1 (highest) … 4.
    public var priority: Int?
    public var state: State
    public var transition: Transition?
    /// Whether the condition is present (redundant with ``state`` except while shelved or suppressed).
    public var active: Bool
    public var acknowledged: Bool
    public var value: Double?
    public var threshold: Double?
    /// Sub-level of a multi-level rule, e.g. `lolo`, `lo`, `hi`, `hihi`.
    public var level: String?
    public var message: String
    /// UTC ms of the sample (or action) that caused this transition.
    public var eventTime: Int64
    /// UTC ms when the alarm was last raised.
    public var raisedAt: Int64?
    /// UTC ms when the condition last went away.
    public var clearedAt: Int64?
    /// UTC ms until which the alarm is shelved.
    public var shelvedUntil: Int64?
    /// Transition counter of this alarm, from 1; with ``alertId`` it names one transition.
    public var sequence: Int64
    /// Every operator action on this alarm, oldest first (bounded by the detector).
    public var actions: [AlarmActionEntry]

    public init(schemaVersion: Int = AlertRecord.currentSchemaVersion, alertId: String, deviceId: String,
                deviceType: String? = nil, site: String? = nil, line: String? = nil, rule: String, detector: String? = nil,
                metric: String?, severity: Severity, priority: Int? = nil, state: State, transition: Transition? = nil,
                active: Bool? = nil, acknowledged: Bool = false, value: Double?, threshold: Double?, level: String? = nil,
                message: String, eventTime: Int64, raisedAt: Int64? = nil, clearedAt: Int64? = nil,
                shelvedUntil: Int64? = nil, sequence: Int64 = 1, actions: [AlarmActionEntry] = []) {
        self.schemaVersion = schemaVersion
        self.alertId = alertId
        self.deviceId = deviceId
        self.deviceType = deviceType
        self.site = site
        self.line = line
        self.rule = rule
        self.detector = detector
        self.metric = metric
        self.severity = severity
        self.priority = priority
        self.state = state
        self.transition = transition
        self.active = active ?? state.isActive
        self.acknowledged = acknowledged
        self.value = value
        self.threshold = threshold
        self.level = level
        self.message = message
        self.eventTime = eventTime
        self.raisedAt = raisedAt
        self.clearedAt = clearedAt
        self.shelvedUntil = shelvedUntil
        self.sequence = sequence
        self.actions = actions
    }

    /// The alarm id for (device, rule, metric): `device:rule[:metric]`, safe as an MQTT topic level
    /// (`/`, `+`, `#` and spaces become `_`).
    public static func alarmID(device: String, rule: String, metric: String?) -> String {
        let raw = [device, rule, metric].compactMap { $0 }.joined(separator: ":")
        return String(raw.map { "/+# ".contains($0) ? "_" : $0 })
    }

    enum CodingKeys: String, CodingKey {
        case schemaVersion = "schema_version", alertId = "alert_id", deviceId = "device_id", deviceType = "device_type"
        case site, line, rule, detector, metric, severity, priority, state, transition, active, acknowledged
        case value, threshold, level, message, eventTime = "event_time", raisedAt = "raised_at", clearedAt = "cleared_at"
        case shelvedUntil = "shelved_until", sequence, actions
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        schemaVersion = try c.decodeIfPresent(Int.self, forKey: .schemaVersion) ?? 1
        alertId = try c.decode(String.self, forKey: .alertId)
        deviceId = try c.decode(String.self, forKey: .deviceId)
        deviceType = try c.decodeIfPresent(String.self, forKey: .deviceType)
        site = try c.decodeIfPresent(String.self, forKey: .site)
        line = try c.decodeIfPresent(String.self, forKey: .line)
        rule = try c.decode(String.self, forKey: .rule)
        detector = try c.decodeIfPresent(String.self, forKey: .detector)
        metric = try c.decodeIfPresent(String.self, forKey: .metric)
        severity = try c.decode(Severity.self, forKey: .severity)
        priority = try c.decodeIfPresent(Int.self, forKey: .priority)
        let rawState = try c.decode(String.self, forKey: .state)
        switch rawState {
        case "raised": state = .activeUnacknowledged; transition = .raised   // version 1
        case "cleared": state = .normal; transition = .cleared                 // version 1
        default:
            guard let parsed = State(rawValue: rawState) else {
                throw DecodingError.dataCorruptedError(forKey: .state, in: c, debugDescription: "unknown alarm state '\(rawState)'")
            }
            state = parsed
            transition = try c.decodeIfPresent(Transition.self, forKey: .transition)
        }
        active = try c.decodeIfPresent(Bool.self, forKey: .active) ?? state.isActive
        acknowledged = try c.decodeIfPresent(Bool.self, forKey: .acknowledged) ?? (state == .activeAcknowledged)
        value = try c.decodeIfPresent(Double.self, forKey: .value)
        threshold = try c.decodeIfPresent(Double.self, forKey: .threshold)
        level = try c.decodeIfPresent(String.self, forKey: .level)
        message = try c.decodeIfPresent(String.self, forKey: .message) ?? ""
        eventTime = try c.decode(Int64.self, forKey: .eventTime)
        raisedAt = try c.decodeIfPresent(Int64.self, forKey: .raisedAt)
        clearedAt = try c.decodeIfPresent(Int64.self, forKey: .clearedAt)
        shelvedUntil = try c.decodeIfPresent(Int64.self, forKey: .shelvedUntil)
        sequence = try c.decodeIfPresent(Int64.self, forKey: .sequence) ?? 1
        actions = try c.decodeIfPresent([AlarmActionEntry].self, forKey: .actions) ?? []
    }

    public func jsonBytes() throws -> [UInt8] { Array(try RecordCoding.encoder.encode(self)) }

    public init(jsonBytes: [UInt8]) throws {
        self = try RecordCoding.decoder.decode(AlertRecord.self, from: .init(jsonBytes))
    }
}

/// One operator action as recorded on an alarm: who did what, when, and why.
public struct AlarmActionEntry: Codable, Sendable, Equatable {
    public var action: AlarmAction.Kind
    public var user: String
    public var comment: String?
    /// UTC ms when the detector applied it.
    public var at: Int64
    public var expiresAt: Int64?
    /// The request id of the ``AlarmAction`` (lets the api-gateway find the outcome of its request).
    public var requestId: String?

    public init(action: AlarmAction.Kind, user: String, comment: String? = nil, at: Int64, expiresAt: Int64? = nil,
                requestId: String? = nil) {
        self.action = action
        self.user = user
        self.comment = comment
        self.at = at
        self.expiresAt = expiresAt
        self.requestId = requestId
    }

    enum CodingKeys: String, CodingKey {
        case action, user, comment, at, expiresAt = "expires_at", requestId = "request_id"
    }
}
