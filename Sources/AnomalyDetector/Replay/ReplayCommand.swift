import ArgumentParser
import Foundation
import Logging
import SCADACore

/// `anomaly-detector replay`: history from Kafka against a rules file, into a separate topic.
struct ReplayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Re-evaluate telemetry history against a rules file, without touching live alarm state.",
        discussion: """
        Reads scada.telemetry from the beginning on every partition (no consumer group, nothing committed), \
        evaluates the records whose event time is at or after --from with fresh detectors, writes every \
        transition to --topic (never scada.alerts or scada.alarm-state, no MQTT), stops when no record \
        came for --idle-seconds, and prints the alarms per rule.
        """)

    @Option(help: "Start time: ISO 8601 (2026-01-15T10:30:00Z), UTC ms since the epoch, or a relative age like 2h, 30m, 90s.")
    var from: String

    @Option(help: "End time (same forms as --from); default: no end.")
    var until: String?

    @Option(help: "The rules file to try.")
    var rules: String

    @Option(help: "Topic the transitions go to.")
    var topic: String = Topics.alertsReplay

    @Option(help: "Kafka bootstrap servers (default: SCADA_KAFKA_BROKERS, else the configuration file, else localhost:9092).")
    var brokers: String?

    @Option(help: "Stop after this many seconds without a record.")
    var idleSeconds: Double = 5

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        guard let start = ReplayTime.parse(from, now: now) else { throw ValidationError("--from '\(from)' is not a time") }
        let end = try until.map { text -> Int64 in
            guard let value = ReplayTime.parse(text, now: now) else { throw ValidationError("--until '\(text)' is not a time") }
            return value
        }
        guard topic != Topics.alerts, topic != Topics.alarmState else {
            throw ValidationError("--topic must not be a live topic (\(Topics.alerts), \(Topics.alarmState))")
        }
        let ruleSet: RuleSet
        do { ruleSet = try RuleSet.load(path: rules) } catch { throw ValidationError(error.description) }
        let loader = try ConfigurationLoader.fromEnvironment(environment)
        let common = try loader.common(defaultHTTPPort: AnomalyDetectorService.defaultHTTPPort)
        var logger = Logger(label: "anomaly-detector-replay")
        logger.logLevel = common.logLevel == .info ? .warning : common.logLevel
        let options = Replayer.Options(brokers: brokers ?? common.kafka.brokers, extra: common.kafka.properties, topic: topic,
                                       from: start, until: end, idle: .milliseconds(Int64(idleSeconds * 1000)))
        let summary = try await Replayer(options: options, rules: ruleSet, logger: logger).run()
        print(summary.report(rulesFile: rules, topic: topic))
    }
}

/// Times on the replay command line.
enum ReplayTime {
    /// ISO 8601, epoch milliseconds, or an age (`90s`, `30m`, `2h`, `1d`) before `now`.
    static func parse(_ text: String, now: Int64) -> Int64? {
        if let ms = Int64(text) { return ms }
        if let last = text.last, let amount = Double(text.dropLast()), amount >= 0 {
            let unit: Double? = switch last {
            case "s": 1_000
            case "m": 60_000
            case "h": 3_600_000
            case "d": 86_400_000
            default: nil
            }
            if let unit { return now - Int64(amount * unit) }
        }
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = formatter.date(from: text) { return Int64(date.timeIntervalSince1970 * 1000) }
        formatter.formatOptions = [.withInternetDateTime]
        if let date = formatter.date(from: text) { return Int64(date.timeIntervalSince1970 * 1000) }
        return nil
    }
}
