import SCADACore

/// The one alarm of a (device, rule, metric): its current record, and where it is published.
public final class AlarmBox {
    public var record: AlertRecord
    /// The telemetry (and alarm-state) partition of the device.
    public let partition: Int32
    /// Severity level of the retained MQTT message standing for this alarm, nil when none stands.
    public var retainedSeverity: AlertRecord.Severity?
    /// Samples at or before this time (UTC ms) no longer move a restored alarm: they were evaluated
    /// before the restart (they come again because their offsets were not committed yet).
    var sampleGuard: Int64 = .min

    public init(record: AlertRecord, partition: Int32, restored: Bool = false) {
        self.record = record
        self.partition = partition
        retainedSeverity = record.state.needsAttention ? record.severity : nil
        if restored { sampleGuard = max(record.raisedAt ?? .min, record.clearedAt ?? .min) }
    }
}

/// One rule applied to one metric (or state, or the device itself) of one device: the detector's
/// state, the on/off-delay gate, and the alarm once it has existed.
struct AlarmSlot {
    let rule: CompiledRule
    /// Metric or state name; "seq" for seq_gap, nil for silence.
    let key: String?
    /// Same metric as the slot before it (slots are sorted by metric): its value is looked up once.
    var sharesKeyWithPrevious = false
    var detector: DetectorState
    var gate = DelayGate()
    var box: AlarmBox?

    init(rule: CompiledRule, key: String?, box: AlarmBox?) {
        self.rule = rule
        self.key = key
        detector = rule.detector
        self.box = box
        if let box { gate.reset(present: box.record.active && box.record.state != .suppressed) }
    }
}

/// A transition to publish: the alarm's record after it, and the MQTT topic severity it replaces.
public struct AlarmOutput: Sendable {
    public var record: AlertRecord
    public var partition: Int32
    /// Severity of the retained MQTT message to clear first (the alarm moved to another severity or ended).
    public var clearSeverity: AlertRecord.Severity?
    /// Whether to publish the record retained (the alarm needs attention).
    public var retain: Bool
}
