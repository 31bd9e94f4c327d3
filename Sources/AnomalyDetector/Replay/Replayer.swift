import Foundation
import Logging
import SCADACore
import SCADAKafka

/// Re-evaluates telemetry history with fresh detectors and writes the transitions to a side topic.
struct Replayer {
    struct Options: Sendable {
        var brokers: String
        var extra: [String: String]
        var topic: String
        var from: Int64
        var until: Int64?
        var idle: Duration
    }

    /// Alarms per rule found by a replay.
    struct Summary: Sendable, Equatable {
        var records = 0
        var evaluated = 0
        /// Per rule: (raised transitions, distinct alarms).
        var raised: [String: Int] = [:]
        var alarms: [String: Set<String>] = [:]
        var transitions = 0
        /// Seconds from the first record read to the last.
        var seconds = 0.0

        func report(rulesFile: String, topic: String) -> String {
            var lines = ["replay of \(rulesFile): \(records) records read, \(evaluated) evaluated, \(transitions) transitions → \(topic)",
                         String(format: "RESULT replay rate=%.0f records/s (%d records in %.3f s, first to last)",
                                seconds > 0 ? Double(records) / seconds : 0, records, seconds)]
            lines.append("rule".padding(toLength: 44, withPad: " ", startingAt: 0) + "raised  alarms")
            for rule in raised.keys.sorted() {
                lines.append(rule.padding(toLength: 44, withPad: " ", startingAt: 0)
                             + String(raised[rule] ?? 0).padding(toLength: 8, withPad: " ", startingAt: 0)
                             + String(alarms[rule]?.count ?? 0))
            }
            if raised.isEmpty { lines.append("(no alarms raised)") }
            return lines.joined(separator: "\n")
        }
    }

    let options: Options
    let rules: RuleSet
    let logger: Logger

    func run() async throws -> Summary {
        let admin = try KafkaAdmin(bootstrapServers: options.brokers, logger: logger, extra: options.extra)
        let topics = try await admin.listTopics()
        await admin.close()
        let count = Int32(topics.first { $0.name == Topics.telemetry }?.partitionCount ?? 1)
        let reader = try KafkaPartitionReader(bootstrapServers: options.brokers,
                                              partitions: (0..<max(1, count)).map { (Topics.telemetry, $0) },
                                              start: .beginning, clientID: "anomaly-detector-replay", prefetchKilobytes: 65_536,
                                              extra: options.extra, logger: logger)
        let producer = try KafkaProducer(configuration: KafkaProducerConfiguration(bootstrapServers: options.brokers,
                                                                                   clientID: "anomaly-detector-replay",
                                                                                   extra: options.extra), logger: logger)
        let evaluator = Evaluator(rules: CompiledRules(rules, version: 1))
        var summary = Summary()
        var lastRecord = ContinuousClock.now
        var firstRecord: ContinuousClock.Instant?
        var nextTick: [Int32: Int64] = [:]
        while ContinuousClock.now - lastRecord < options.idle {
            let messages = try await reader.poll(maxMessages: 5_000, timeout: .milliseconds(200))
            if !messages.isEmpty {
                lastRecord = .now
                if firstRecord == nil { firstRecord = lastRecord }
            }
            for message in messages {
                summary.records += 1
                guard let record = try? TelemetryRecord(jsonBytes: message.value), record.eventTime >= options.from,
                      options.until.map({ record.eventTime <= $0 }) ?? true else { continue }
                if evaluator.evaluate(record, partition: message.partition) { summary.evaluated += 1 }
                // Each partition's own clock drives its silence timers.
                if record.receiveTime >= nextTick[message.partition, default: .min] {
                    evaluator.tick(now: record.receiveTime, partition: message.partition)
                    nextTick[message.partition] = record.receiveTime + 1_000
                }
            }
            if let firstRecord, !messages.isEmpty { summary.seconds = Double((ContinuousClock.now - firstRecord) / .microseconds(1)) / 1e6 }
            let outputs = evaluator.takeOutputs()
            guard !outputs.isEmpty else { continue }
            var records: [KafkaProducerRecord] = []
            for output in outputs {
                summary.transitions += 1
                if output.record.transition == .raised {
                    summary.raised[output.record.rule, default: 0] += 1
                    summary.alarms[output.record.rule, default: []].insert(output.record.alertId)
                }
                if let value = try? output.record.jsonBytes() {
                    records.append(KafkaProducerRecord(topic: options.topic, key: Array(output.record.deviceId.utf8), value: value))
                }
            }
            for result in await producer.send(records) {
                if case .failure(let error) = result { logger.error("replay record not delivered", metadata: ["error": "\(error)"]) }
            }
        }
        await reader.close()
        await producer.shutdown(timeout: .seconds(10))
        return summary
    }
}
