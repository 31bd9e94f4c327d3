import SCADACore

/// Everything the detector keeps about one device: its slots (one per rule and metric it matched).
///
/// A device may publish records of more than one shape: a fish tank sends its readings (`fish_tank`) and,
/// on its own sub-topic, its configured ranges (`fish_tank_range`); a PLC may leave out a field now and then.
/// The slots are built from every device type and every metric and state name seen on the device so far,
/// so which record comes first never decides which rules apply.
final class DeviceState {
    let deviceID: String
    /// Device types of its records, in order of appearance (the first names the device in alarms whose rule
    /// names no type).
    private(set) var deviceTypes: [String]
    let partition: Int32
    var site: String?
    var line: String?
    var rulesVersion = -1
    /// Metric and state names seen so far: the slots are built from them (a new one rebuilds the slots).
    private(set) var metricNames: Set<String> = []
    private(set) var stateNames: Set<String> = []
    var metricSlots: [AlarmSlot] = []
    var stateSlots: [AlarmSlot] = []
    var silenceSlots: [AlarmSlot] = []
    var seqSlots: [AlarmSlot] = []
    var offline = false
    /// Samples already evaluated (at-least-once delivery brings some twice).
    var duplicates = DuplicateFilter()
    /// The KPI bucket of the device's site and line.
    var kpi: KPIBucket?
    var kpiKind = KPIKind.none

    init(deviceID: String, deviceType: String, partition: Int32) {
        self.deviceID = deviceID
        deviceTypes = [deviceType]
        self.partition = partition
    }

    /// The device's first device type.
    var deviceType: String { deviceTypes[0] }

    /// Notes the device type and the names `record` carries; true when one of them is new.
    func learn(_ record: TelemetryRecord) -> Bool {
        var changed = false
        if !deviceTypes.contains(record.deviceType) {
            deviceTypes.append(record.deviceType)
            changed = true
        }
        for name in record.metrics.keys where !metricNames.contains(name) {
            metricNames.insert(name)
            changed = true
        }
        for name in record.states.keys where !stateNames.contains(name) {
            stateNames.insert(name)
            changed = true
        }
        return changed
    }

    /// Every slot, for scans outside the hot path.
    var allSlots: [AlarmSlot] { metricSlots + stateSlots + silenceSlots + seqSlots }
}

/// The state of one telemetry partition: its devices and every alarm that has existed on it.
final class PartitionState {
    let partition: Int32
    var devices: [String: DeviceState] = [:]
    /// Alarms by id (also those of devices not seen since a restore).
    var alarms: [String: AlarmBox] = [:]

    init(partition: Int32) { self.partition = partition }
}
