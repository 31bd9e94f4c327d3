import SCADACore
import Testing
@testable import AnomalyDetector

/// A device that publishes records of more than one shape (a fish tank's readings and, on a sub-topic, its
/// configured ranges under another device type; readings that leave a field out): the rules that apply do
/// not depend on which record came first. (The slots used to be built from the first record only, so a range
/// record arriving first, or a smaller record before a bigger one, silently disabled the tank's alarms.)
@Suite struct RecordShapeTests {
    static let rules = """
    rules:
      - {name: tank-temperature, deviceType: fish_tank, metric: temperature, detector: limits, hi: 29}
      - {name: tank-ph, deviceType: fish_tank, metric: ph, detector: limits, lo: 6}
    """

    private func record(_ type: String, _ metrics: [String: Double], at time: Int64) -> TelemetryRecord {
        TelemetryRecord(deviceId: "tank_01", deviceType: type, site: "aquaculture", line: "hatchery", eventTime: time,
                        receiveTime: time, metrics: metrics, sourceTopic: "factory/fishtank/tank_01")
    }

    private func raised(after records: [TelemetryRecord]) throws -> [AlertRecord] {
        let evaluator = Evaluator(rules: CompiledRules(try RuleSet.parse(Self.rules), version: 1))
        var outputs: [AlarmOutput] = []
        for record in records {
            evaluator.evaluate(record, partition: 0)
            outputs += evaluator.takeOutputs()
        }
        return outputs.map(\.record).filter { $0.transition == .raised }
    }

    @Test func anAuxiliaryRecordFirstDoesNotHideTheDevicesRules() throws {
        let alarms = try raised(after: [
            record("fish_tank_range", ["ranges.temperature_min": 24, "ranges.temperature_max": 27,
                                       "ranges.ph_min": 6.5, "ranges.ph_max": 7.5, "ranges.oxygen_min": 5, "ranges.oxygen_max": 9], at: 1_000),
            record("fish_tank", ["temperature": 25, "ph": 7], at: 2_000),
            record("fish_tank", ["temperature": 48, "ph": 7], at: 3_000),
        ])
        #expect(alarms.map(\.alertId) == ["tank_01:tank-temperature:temperature"])
        #expect(alarms.first?.deviceType == "fish_tank")
    }

    @Test func aBiggerAuxiliaryRecordLaterKeepsTheReadingsSlots() throws {
        let alarms = try raised(after: [
            record("fish_tank", ["temperature": 25, "ph": 7], at: 1_000),
            record("fish_tank_range", ["ranges.temperature_min": 24, "ranges.temperature_max": 27, "ranges.ph_min": 6.5], at: 2_000),
            record("fish_tank", ["temperature": 48, "ph": 7], at: 3_000),
        ])
        #expect(alarms.map(\.alertId) == ["tank_01:tank-temperature:temperature"])
    }

    @Test func aFieldLeftOutAtFirstIsWatchedOnceItAppears() throws {
        let alarms = try raised(after: [
            record("fish_tank", ["temperature": 25], at: 1_000),
            record("fish_tank", ["temperature": 25, "ph": 5.2], at: 2_000),
        ])
        #expect(alarms.map(\.alertId) == ["tank_01:tank-ph:ph"])
    }
}
