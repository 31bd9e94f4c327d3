import ArgumentParser
import Foundation
import SCADACore
import SCADAOps

/// `anomaly-detector bench`: the in-process evaluation rate (decode + rules, one core) and the memory
/// held by many devices' detector state. Used by scripts/bench/anomaly-detector.sh; no servers needed.
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench", abstract: "Measure evaluation throughput and state memory in process (no servers).")

    @Option(help: "The rules file (default: configmaps/anomaly-rules.yaml format).")
    var rules: String

    @Option(help: "Manufacturing records to evaluate.")
    var records: Int = 1_000_000

    @Option(help: "Devices the records are spread over.")
    var devices: Int = 100

    @Option(help: "Devices for the memory measurement (10 metrics each, limits + ewma + rate + stuck on each).")
    var stateDevices: Int = 10_000

    func run() async throws {
        let ruleSet: RuleSet
        do { ruleSet = try RuleSet.load(path: rules) } catch { throw ValidationError(error.description) }
        let rate = Self.throughput(rules: ruleSet, records: records, devices: devices)
        print(String(format: "RESULT evaluation rate=%.0f records/s (%d manufacturing records over %d devices, default rules, decode included, one core)",
                     rate, records, devices))
        let (rss, baseline, slots) = Self.memory(devices: stateDevices)
        print(String(format: "RESULT state rss=%.1f MB (%.1f MB before; %d devices x 10 metrics, %d detector slots)",
                     Double(rss) / 1_048_576, Double(baseline) / 1_048_576, stateDevices, slots))
    }

    /// Records per second through `TelemetryRecord(jsonBytes:)` and the evaluator.
    static func throughput(rules: RuleSet, records count: Int, devices: Int) -> Double {
        let base = Int64(Date().timeIntervalSince1970 * 1000) - 3_600_000
        // A pool of distinct encoded records (as they sit in Kafka), cycled through with fresh times.
        let pool = (0..<min(count, 20_000)).map { index -> [UInt8] in
            let seq = Int64(index / devices + 1)
            let record = TelemetryRecord(
                deviceId: "BENCH\(index % devices)", deviceType: "manufacturing", site: "plant-1", line: "line1",
                eventTime: base + seq * 1000, receiveTime: base + seq * 1000 + 3, seq: seq,
                metrics: ["production_count": Double(seq), "line_speed": 100 + Double(index % 7) * 0.3,
                          "temperature": 25 + Double(index % 13) * 0.1, "pressure": 1.25 + Double(index % 5) * 0.01,
                          "vibration": 0.45 + Double(index % 3) * 0.01, "quality_rate": 98.7 + Double(index % 4) * 0.1],
                states: ["alarm": .bool(false), "status": .string("running")], sourceTopic: "factory/line1")
            return (try? record.jsonBytes()) ?? []
        }
        let evaluator = Evaluator(rules: CompiledRules(rules, version: 1))
        let started = ContinuousClock.now
        var failures = 0
        for index in 0..<count {
            guard var record = try? TelemetryRecord(jsonBytes: pool[index % pool.count]) else { failures += 1; continue }
            let round = Int64(index / pool.count)
            record.eventTime += round * Int64(pool.count / max(devices, 1)) * 1000
            record.receiveTime = record.eventTime
            if let seq = record.seq { record.seq = seq + round * Int64(pool.count / max(devices, 1)) }
            evaluator.evaluate(record, partition: Int32(index % 3))
            if evaluator.hasOutputs { _ = evaluator.takeOutputs() }
        }
        let seconds = Double((ContinuousClock.now - started) / .microseconds(1)) / 1e6
        return Double(count - failures) / max(seconds, 1e-9)
    }

    /// RSS after `devices` devices × 10 metrics went through limits, ewma, rate and stuck rules.
    static func memory(devices: Int) -> (rss: Int, baseline: Int, slots: Int) {
        let baseline = ProcessStats.residentMemoryBytes() ?? 0
        var set = RuleSet(rules: [])
        for (name, detector) in [("l", RuleSpec.Detector.limits), ("e", .ewma), ("r", .rateOfChange), ("s", .stuck)] {
            var rule = RuleSpec(name: "bench-\(name)", detector: detector)
            rule.metric = "m*"
            rule.hi = 1e9
            rule.maxRate = 1e9
            set.rules.append(rule)
        }
        let evaluator = Evaluator(rules: CompiledRules(set, version: 1))
        let names = (0..<10).map { "m\($0)" }
        for round in 0..<3 {
            for device in 0..<devices {
                var metrics: [String: Double] = [:]
                for (index, name) in names.enumerated() { metrics[name] = Double(device + index + round) }
                evaluator.evaluate(TelemetryRecord(deviceId: "DEV\(device)", deviceType: "bench", eventTime: Int64(round * 1000),
                                                   receiveTime: Int64(round * 1000), seq: Int64(round + 1), metrics: metrics,
                                                   sourceTopic: "bench"), partition: Int32(device % 8))
            }
        }
        let rss = ProcessStats.residentMemoryBytes() ?? 0
        withExtendedLifetime(evaluator) {}
        return (rss, baseline, devices * 10 * 4)
    }
}
