import SCADACore

/// The detector's brain for the partitions this replica owns: feeds records through each device's
/// compiled slots, runs the alarm lifecycle and collects the transitions to publish (``takeOutputs()``).
///
/// Not thread-safe: one task owns it. Pure logic (no I/O), so it runs the same live, in replay and in tests.
public final class Evaluator {
    public private(set) var rules: CompiledRules
    var partitions: [Int32: PartitionState] = [:]
    private var outputs: [AlarmOutput] = []
    let kpis: KPIAggregator?
    private var nextShelveExpiry: Int64 = .max
    /// Action history kept per alarm.
    public var actionHistoryLimit = 50
    /// Samples evaluated since the start.
    public private(set) var evaluated = 0
    /// Samples skipped since the start: seen before (same device and seq) or too old (see ``DuplicateFilter``).
    public private(set) var duplicatesSkipped = 0

    public init(rules: CompiledRules, kpis: KPIAggregator? = nil) {
        self.rules = rules
        self.kpis = kpis
    }

    /// Uses new rules from the next sample of each device on (detector state of unchanged rules is rebuilt).
    public func replaceRules(_ rules: CompiledRules) { self.rules = rules }

    /// Transitions collected since the last call.
    public func takeOutputs() -> [AlarmOutput] {
        defer { outputs.removeAll(keepingCapacity: true) }
        return outputs
    }

    public var hasOutputs: Bool { !outputs.isEmpty }

    public var ownedPartitions: Set<Int32> { Set(partitions.keys) }

    public func owns(_ partition: Int32) -> Bool { partitions[partition] != nil }

    // MARK: Samples

    /// Evaluates one telemetry record of `partition`; false when it was skipped as a duplicate.
    @discardableResult
    public func evaluate(_ record: TelemetryRecord, partition: Int32) -> Bool {
        let state = partitionState(partition)
        let device: DeviceState
        if let known = state.devices[record.deviceId] {
            device = known
        } else {
            device = DeviceState(deviceID: record.deviceId, deviceType: record.deviceType, partition: partition)
            device.site = record.site
            device.line = record.line
            device.kpi = kpis?.bucket(site: record.site, line: record.line)
            device.kpiKind = KPIKind(deviceType: record.deviceType)
            state.devices[record.deviceId] = device
        }
        guard device.duplicates.admit(seq: record.seq, eventTime: record.eventTime) else {
            duplicatesSkipped &+= 1
            return false
        }
        evaluated &+= 1
        if device.learn(record) || device.rulesVersion != rules.version {
            rebuild(device, state: state)
        }
        let time = record.eventTime
        if device.offline { setOffline(device, false, at: record.receiveTime, state: state) }
        var value: Double?
        for index in device.metricSlots.indices {
            if !device.metricSlots[index].sharesKeyWithPrevious {
                value = device.metricSlots[index].key.flatMap { record.metrics[$0] }
            }
            guard let value else { continue }
            let condition = device.metricSlots[index].detector.evaluate(value, time: time)
            step(&device.metricSlots[index], condition, time: time, device: device, state: state)
        }
        for index in device.stateSlots.indices {
            guard case .flag(let flag) = device.stateSlots[index].detector, let key = device.stateSlots[index].key else { continue }
            let condition = flag.evaluate(record.states[key])
            step(&device.stateSlots[index], condition, time: time, device: device, state: state)
        }
        if let seq = record.seq {
            for index in device.seqSlots.indices {
                guard case .seqGap(var detector) = device.seqSlots[index].detector else { continue }
                let condition = detector.evaluate(seq: seq, time: time)
                device.seqSlots[index].detector = .seqGap(detector)
                step(&device.seqSlots[index], condition, time: time, device: device, state: state)
            }
        }
        for index in device.silenceSlots.indices {
            guard case .silence(var detector) = device.silenceSlots[index].detector else { continue }
            let condition = detector.seen(at: record.receiveTime)
            device.silenceSlots[index].detector = .silence(detector)
            step(&device.silenceSlots[index], condition, time: record.receiveTime, device: device, state: state)
        }
        device.kpi?.add(record, kind: device.kpiKind)
        return true
    }

    /// A device's birth or last will from `scada.device-status`.
    public func status(_ record: DeviceStatusRecord, partition: Int32) {
        guard let state = partitions[partition], let device = state.devices[record.deviceId] else { return }
        let online = record.status == .online
        let time = record.receiveTime
        for index in device.silenceSlots.indices {
            guard case .silence(var detector) = device.silenceSlots[index].detector else { continue }
            let condition = detector.status(online: online, at: time)
            device.silenceSlots[index].detector = .silence(detector)
            step(&device.silenceSlots[index], condition, time: time, device: device, state: state)
        }
        setOffline(device, !online, at: time, state: state)
    }

    /// Timers: device silence and shelve expiry at wall-clock `now` (UTC ms); silence only on `partition`
    /// when given (replay, where each partition has its own clock: the partitions are read unevenly).
    public func tick(now: Int64, partition: Int32? = nil) {
        for state in partitions.values where partition == nil || state.partition == partition {
            for device in state.devices.values where !device.silenceSlots.isEmpty {
                for index in device.silenceSlots.indices {
                    guard case .silence(let detector) = device.silenceSlots[index].detector else { continue }
                    step(&device.silenceSlots[index], detector.check(now: now), time: now, device: device, state: state)
                }
            }
        }
        guard now >= nextShelveExpiry else { return }
        nextShelveExpiry = .max
        for state in partitions.values {
            for box in state.alarms.values where box.record.state == .shelved {
                if AlarmLifecycle.expireShelve(&box.record, now: now) != nil {
                    emit(box)
                } else if let until = box.record.shelvedUntil {
                    nextShelveExpiry = min(nextShelveExpiry, until)
                }
            }
        }
    }

    // MARK: Operator actions

    /// What became of an operator action.
    public enum ActionOutcome: Sendable, Equatable {
        /// Applied; the alarm's record after it.
        case applied(AlertRecord)
        /// Already applied (same request id), or older than the alarm's current episode.
        case duplicate
        case rejected(String)
        /// The alarm is not on a partition this replica owns.
        case notOwned
    }

    /// Applies an acknowledge, shelve or unshelve at wall-clock `now`.
    @discardableResult
    public func apply(_ action: AlarmAction, now: Int64) -> ActionOutcome {
        guard let box = partitions.values.lazy.compactMap({ $0.alarms[action.alarmId] }).first else { return .notOwned }
        if let id = action.requestId, box.record.actions.contains(where: { $0.requestId == id }) { return .duplicate }
        if let requested = action.requestedAt, let raised = box.record.raisedAt, requested < raised, action.action == .acknowledge {
            return .duplicate
        }
        switch AlarmLifecycle.apply(action, to: &box.record, at: now, keep: actionHistoryLimit) {
        case .success:
            if let until = box.record.shelvedUntil { nextShelveExpiry = min(nextShelveExpiry, until) }
            emit(box)
            return .applied(box.record)
        case .failure(let rejection):
            return .rejected(rejection.description)
        }
    }

    // MARK: Partitions

    /// Takes over `partition` with the alarm states read back from `scada.alarm-state` (latest per id).
    public func restore(partition: Int32, alarms: [AlertRecord]) {
        let state = PartitionState(partition: partition)
        for record in alarms {
            state.alarms[record.alertId] = AlarmBox(record: record, partition: partition, restored: true)
            if record.state == .shelved, let until = record.shelvedUntil { nextShelveExpiry = min(nextShelveExpiry, until) }
        }
        partitions[partition] = state
    }

    /// Forgets a partition given to another replica.
    public func drop(partition: Int32) { partitions[partition] = nil }

    /// Every alarm's current record (for gauges and tests).
    public var alarms: [AlertRecord] { partitions.values.flatMap { $0.alarms.values.map(\.record) } }

    /// Number of alarms per (state, severity).
    public func alarmCounts() -> [AlertRecord.State: [AlertRecord.Severity: Int]] {
        var counts: [AlertRecord.State: [AlertRecord.Severity: Int]] = [:]
        for state in partitions.values {
            for box in state.alarms.values { counts[box.record.state, default: [:]][box.record.severity, default: 0] += 1 }
        }
        return counts
    }

    /// Devices and slots held (memory accounting).
    public var deviceCount: Int { partitions.values.reduce(0) { $0 + $1.devices.count } }

    // MARK: Internals

    private func partitionState(_ partition: Int32) -> PartitionState {
        if let state = partitions[partition] { return state }
        let state = PartitionState(partition: partition)
        partitions[partition] = state
        return state
    }

    /// One debounced lifecycle step of a slot.
    @inline(__always)
    private func step(_ slot: inout AlarmSlot, _ condition: Condition, time: Int64, device: DeviceState, state: PartitionState) {
        if device.offline, slot.rule.spec.detector != .silence { return }
        if let box = slot.box, time <= box.sampleGuard { return }
        let edge = slot.gate.step(active: condition.active, time: time, onDelayMs: slot.rule.onDelayMs, offDelayMs: slot.rule.offDelayMs)
        switch edge {
        case .raised:
            let box = slot.box ?? makeBox(slot, device: device, state: state, time: time)
            slot.box = box
            if AlarmLifecycle.raise(&box.record, condition, at: time) != nil { emit(box) }
        case .cleared:
            guard let box = slot.box else { return }
            if AlarmLifecycle.clear(&box.record, value: condition.value.isFinite ? condition.value : nil, at: time) != nil { emit(box) }
        case .none:
            guard slot.gate.present, condition.active, let box = slot.box else { return }
            if AlarmLifecycle.update(&box.record, condition, at: time) != nil { emit(box) }
        }
    }

    private func makeBox(_ slot: AlarmSlot, device: DeviceState, state: PartitionState, time: Int64) -> AlarmBox {
        let rule = slot.rule
        let id = AlertRecord.alarmID(device: device.deviceID, rule: rule.spec.name, metric: slot.key)
        if let existing = state.alarms[id] { return existing }
        let record = AlertRecord(alertId: id, deviceId: device.deviceID, deviceType: rule.deviceType ?? device.deviceType, site: device.site,
                                 line: device.line, rule: rule.spec.name, detector: rule.spec.detector.rawValue, metric: slot.key,
                                 severity: rule.spec.severity ?? .warning, priority: rule.priority, state: .normal,
                                 value: nil, threshold: nil, message: "", eventTime: time, sequence: 0)
        let box = AlarmBox(record: record, partition: state.partition)
        state.alarms[id] = box
        return box
    }

    private func emit(_ box: AlarmBox) {
        let retain = box.record.state.needsAttention
        let clear = box.retainedSeverity.flatMap { retain && $0 == box.record.severity ? nil : $0 }
        outputs.append(AlarmOutput(record: box.record, partition: box.partition, clearSeverity: clear, retain: retain))
        box.retainedSeverity = retain ? box.record.severity : nil
    }

    /// Suppresses (offline) or releases (back online) the device's value alarms.
    private func setOffline(_ device: DeviceState, _ offline: Bool, at time: Int64, state: PartitionState) {
        guard device.offline != offline else { return }
        device.offline = offline
        func visit(_ slots: inout [AlarmSlot]) {
            for index in slots.indices {
                guard let box = slots[index].box else { continue }
                if offline {
                    if AlarmLifecycle.suppress(&box.record, at: time) != nil { emit(box) }
                } else {
                    if AlarmLifecycle.unsuppress(&box.record, at: time) != nil { emit(box) }
                    slots[index].gate.reset(present: box.record.active)
                }
            }
        }
        visit(&device.metricSlots)
        visit(&device.stateSlots)
        visit(&device.seqSlots)
    }

    /// Builds the device's slots for the current rules and every name seen on it, keeping the state of slots that stay.
    private func rebuild(_ device: DeviceState, state: PartitionState) {
        var previous: [String: AlarmSlot] = [:]
        if device.rulesVersion == rules.version {
            for slot in device.allSlots { previous["\(slot.rule.spec.name)\u{1}\(slot.key ?? "")"] = slot }
        }
        func slot(_ rule: CompiledRule, _ key: String?) -> AlarmSlot {
            if let kept = previous["\(rule.spec.name)\u{1}\(key ?? "")"] { return kept }
            let id = AlertRecord.alarmID(device: device.deviceID, rule: rule.spec.name, metric: key)
            return AlarmSlot(rule: rule, key: key, box: state.alarms[id])
        }
        var metricSlots: [AlarmSlot] = [], stateSlots: [AlarmSlot] = [], silenceSlots: [AlarmSlot] = [], seqSlots: [AlarmSlot] = []
        let metricNames = device.metricNames.sorted()
        let stateNames = device.stateNames.sorted()
        for rule in rules.rules where device.deviceTypes.contains(where: { rule.selects(deviceID: device.deviceID, deviceType: $0) }) {
            switch rule.spec.detector {
            case .limits, .rateOfChange, .zscore, .ewma, .stuck:
                guard let pattern = rule.key else { continue }
                for name in metricNames where pattern.matches(name) { metricSlots.append(slot(rule, name)) }
            case .flag:
                guard let pattern = rule.key else { continue }
                for name in stateNames where pattern.matches(name) { stateSlots.append(slot(rule, name)) }
            case .silence:
                silenceSlots.append(slot(rule, nil))
            case .seqGap:
                seqSlots.append(slot(rule, "seq"))
            }
        }
        metricSlots.sort { ($0.key ?? "") < ($1.key ?? "") }
        for index in metricSlots.indices.dropFirst() { metricSlots[index].sharesKeyWithPrevious = metricSlots[index].key == metricSlots[index - 1].key }
        device.metricSlots = metricSlots
        device.stateSlots = stateSlots
        device.silenceSlots = silenceSlots
        device.seqSlots = seqSlots
        device.rulesVersion = rules.version
    }
}
