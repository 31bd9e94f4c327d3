import Foundation
@testable import PLCSimulator
import SCADACore
import SCADATestSupport
import Testing
@testable import AnomalyDetector

/// The shipped default rules against the simulator's own signal generators, offline: nothing on normal
/// output of any profile, and every injected fault (spike, drift, stuck, dropout, seq_gap) caught.
@Suite struct SimulatorRulesTests {
    static let rulesPath = Tools.repositoryRoot.appendingPathComponent("configmaps/anomaly-rules.yaml").path

    /// One simulated device turned into telemetry records the way the preprocessor decodes them.
    struct Run {
        var device: SimulatedDevice
        let evaluator: Evaluator
        let base: Int64 = 1_750_000_000_000 / 86_400_000 * 86_400_000 + 6 * 3_600_000   // 06:00 UTC
        var step = 0
        var raised: [AlertRecord] = []

        init(profile: DeviceProfile, seed: UInt64) throws {
            let plan = DevicePlan(profileName: profile.name, index: 1, deviceID: "\(profile.name)-1", topic: "factory/\(profile.name)",
                                  interval: 1, qos: 1, parameters: [:])
            device = SimulatedDevice(plan: plan, profile: profile, slot: 0, seed: seed, speed: 1,
                                     startTime: Double(base) / 1000, externalController: false)
            evaluator = Evaluator(rules: CompiledRules(try RuleSet.load(path: SimulatorRulesTests.rulesPath), version: 1))
        }

        var wallMs: Int64 { base + Int64(step) * 1000 }

        /// Advances `count` seconds; returns the alarms raised meanwhile.
        @discardableResult
        mutating func advance(_ count: Int, until stop: ((TelemetryRecord) -> Bool)? = nil) -> [AlertRecord] {
            var fresh: [AlertRecord] = []
            for _ in 0..<count {
                step += 1
                let produced = device.produce(now: Double(step), wallMs: wallMs)
                var last: TelemetryRecord?
                if let message = produced.message, let record = SimulatorRulesTests.record(message.payload, profile: device.profile,
                                                                                            deviceID: device.plan.deviceID, time: wallMs) {
                    evaluator.evaluate(record, partition: 0)
                    last = record
                }
                evaluator.tick(now: wallMs + 5)
                fresh += evaluator.takeOutputs().map(\.record).filter { $0.transition == .raised }
                if let stop, let last, stop(last) { break }
            }
            raised += fresh
            return fresh
        }
    }

    /// The preprocessor's view of a payload: numbers → metrics (nested objects dotted, CNC's `payload.` dropped),
    /// booleans and payload strings → states.
    static func record(_ payload: [UInt8], profile: DeviceProfile, deviceID: String, time: Int64) -> TelemetryRecord? {
        guard case .object(let object)? = try? JSONDecoder().decode(PayloadValue.self, from: Data(payload)) else { return nil }
        var metrics: [String: Double] = [:], states: [String: StateValue] = [:]
        var seq: Int64?
        func walk(_ object: [String: PayloadValue], prefix: String) {
            for (key, value) in object {
                let name = prefix + key
                switch value {
                case .number(let number) where name == "seq": seq = Int64(number)
                case _ where name == profile.idField || name == "timestamp" || name == "part_program": continue
                case .object(let nested): walk(nested, prefix: name == "payload" ? "" : name + ".")
                case .number(let number): metrics[name] = number
                case .bool(let flag): states[name] = .bool(flag)
                case .string(let text): states[name] = .string(text)
                }
            }
        }
        walk(object, prefix: "")
        return TelemetryRecord(deviceId: deviceID, deviceType: profile.name, site: "plant", line: nil, eventTime: time,
                               receiveTime: time + 5, seq: seq, metrics: metrics, states: states, sourceTopic: "factory")
    }

    /// The JSON shapes device payloads use.
    enum PayloadValue: Decodable {
        case bool(Bool), number(Double), string(String), object([String: PayloadValue])

        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let flag = try? container.decode(Bool.self) { self = .bool(flag) }
            else if let number = try? container.decode(Double.self) { self = .number(number) }
            else if let text = try? container.decode(String.self) { self = .string(text) }
            else { self = .object(try container.decode([String: PayloadValue].self)) }
        }
    }

    // The simulations are CPU work of several seconds each: they run on a thread of their own (`onOwnThread`),
    // never on the two threads of the cooperative pool that every other test's waits run on.
    @Test(arguments: DeviceProfiles.all.map(\.name))
    func normalOutputRaisesNothing(_ profileName: String) async throws {
        let raised = try await onOwnThread { () throws -> [String] in
            guard let profile = DeviceProfiles.named(profileName) else { return ["no profile \(profileName)"] }
            var raised: [String] = []
            for seed in [1, 2] as [UInt64] {
                var run = try Run(profile: profile, seed: seed)
                run.advance(3 * 3600)
                raised += run.raised.map { "seed \(seed): \($0.message)" }
            }
            return raised
        }
        #expect(raised.isEmpty, "\(profileName): \(raised)")
    }

    static let faults: [(FaultKind, FaultSpec)] = [
        (.spike, FaultSpec(kind: .spike, count: 1)),
        (.drift, FaultSpec(kind: .drift, duration: 600, rate: 1)),
        (.stuck, FaultSpec(kind: .stuck, duration: 180)),
        (.dropout, FaultSpec(kind: .dropout, duration: 60)),
        (.seqGap, FaultSpec(kind: .seqGap, count: 1, gap: 5)),
    ]

    @Test(arguments: DeviceProfiles.all.map(\.name))
    func everyInjectedFaultIsCaught(_ profileName: String) async throws {
        let problems = try await onOwnThread { () throws -> [String] in
            guard let profile = DeviceProfiles.named(profileName) else { return ["no profile \(profileName)"] }
            var problems: [String] = []
            for (kind, spec) in Self.faults {
                var run = try Run(profile: profile, seed: 11)
                run.advance(1800)
                // Faults on a field need the field live: a CNC spindle turning, a vehicle moving.
                if profile.name == "cnc" {
                    run.advance(900) { $0.states["status"] == .string("running") && ($0.metrics["spindle_speed"] ?? 0) > 1000 }
                }
                if profile.name == "vehicle" { run.advance(900) { ($0.metrics["speed"] ?? 0) > 30 } }
                if !run.raised.isEmpty { problems.append("before \(kind): \(run.raised.map(\.message))") }
                try run.device.arm(spec, now: Double(run.step))
                let caught = run.advance(Int(max(spec.duration, 1)) + 60)
                if caught.isEmpty { problems.append("\(kind.rawValue) fault not caught") }
            }
            return problems
        }
        #expect(problems.isEmpty, "\(profileName): \(problems)")
    }
}
