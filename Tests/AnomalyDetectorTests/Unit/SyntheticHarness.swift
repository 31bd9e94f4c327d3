import SCADACore
@testable import AnomalyDetector

/// An evaluator over rules written inline, fed with synthetic series; collects every transition.
final class SyntheticHarness {
    let evaluator: Evaluator
    private(set) var outputs: [AlarmOutput] = []
    var time: Int64 = 1_700_000_000_000
    var seq: Int64 = 0
    var random = LCG(seed: 7)

    init(_ yaml: String) throws {
        evaluator = Evaluator(rules: CompiledRules(try RuleSet.parse(yaml), version: 1))
    }

    /// One sample per second of `metric` (and any `states`) from device `device`.
    func feed(_ values: [Double], metric: String = "m", device: String = "D1", type: String = "manufacturing",
              states: [String: StateValue] = [:], stepMs: Int64 = 1_000) {
        for value in values {
            time += stepMs
            seq += 1
            evaluator.evaluate(TelemetryRecord(deviceId: device, deviceType: type, site: "plant", line: "l1", eventTime: time,
                                               receiveTime: time, seq: seq, metrics: [metric: value], states: states,
                                               sourceTopic: "t"), partition: 0)
            outputs += evaluator.takeOutputs()
        }
    }

    func tick(afterMs: Int64) {
        time += afterMs
        evaluator.tick(now: time)
        outputs += evaluator.takeOutputs()
    }

    func take() -> [AlarmOutput] {
        defer { outputs = [] }
        return outputs
    }

    func transitions(_ kind: AlertRecord.Transition) -> [AlarmOutput] { outputs.filter { $0.record.transition == kind } }

    /// Gaussian-ish noise in [-amplitude, amplitude] around `center` (sum of uniforms).
    func noise(_ count: Int, center: Double, amplitude: Double) -> [Double] {
        (0..<count).map { _ in center + amplitude * (random.unit() + random.unit() + random.unit() - 1.5) / 1.5 }
    }
}

/// A tiny deterministic generator for test series.
struct LCG {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func unit() -> Double {
        state = state &* 6364136223846793005 &+ 1442695040888963407
        return Double(state >> 11) / Double(1 << 53)
    }
}
