import Foundation
import SCADACore
import SCADAKafka
import SCADATestSupport
import Testing
@testable import AnomalyDetector

/// `anomaly-detector replay` against real tansu: history re-evaluated into a side topic, live topics untouched.
@Suite(.serialized) struct ReplayIntegrationTests {
    @Test func replayWritesToItsOwnTopicAndCountsAlarmsPerRule() async throws {
        let servers = try await Servers.start(telemetryPartitions: 2)
        defer { servers.shutdown() }
        let producer = try servers.producer()
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        // Old history (before --from) with a spike that must not count, then two devices with one spike each.
        try await send([reading("OLD", temperature: 25, seq: 1, time: now - 7_200_000), reading("OLD", temperature: 50, seq: 2, time: now - 7_199_000)],
                       with: producer)
        for device in ["A", "B"] {
            try await send((1...5).map { reading(device, temperature: 25, seq: $0, time: now - 60_000 + $0 * 1000) }
                           + [reading(device, temperature: 45, seq: 6, time: now - 50_000), reading(device, temperature: 25, seq: 7, time: now - 49_000)],
                           with: producer)
        }
        let rules = try RuleSet.parse("""
        rules:
          - {name: hot, metric: temperature, detector: limits, hi: 30}
          - {name: jump, metric: temperature, detector: rate_of_change, maxRate: 10}
        """)
        let options = Replayer.Options(brokers: servers.kafka.bootstrapServers, extra: [:], topic: Topics.alertsReplay,
                                       from: now - 3_600_000, until: nil, idle: .seconds(3))
        let summary = try await Replayer(options: options, rules: rules, logger: testLogger).run()
        #expect(summary.records == 16)
        #expect(summary.evaluated == 14)
        #expect(summary.raised == ["hot": 2, "jump": 2])
        #expect(summary.report(rulesFile: "r.yaml", topic: Topics.alertsReplay).contains("RESULT replay rate="))

        let replayed = try AlertsReader(servers, topic: Topics.alertsReplay)
        try await eventually("the replayed transitions") { try await replayed.poll().filter { $0.transition == .raised }.count == 4 }
        #expect(Set(replayed.records.map(\.deviceId)) == ["A", "B"])
        await replayed.close()
        // Nothing went to the live topics.
        let live = try KafkaPartitionReader(bootstrapServers: servers.kafka.bootstrapServers,
                                            partitions: [(Topics.alerts, 0), (Topics.alarmState, 0), (Topics.alarmState, 1)],
                                            logger: testLogger)
        #expect(try await live.poll(maxMessages: 10, timeout: .seconds(2)).isEmpty)
        await live.close()
        await producer.shutdown()
    }

    @Test func replayTimes() {
        #expect(ReplayTime.parse("1700000000000", now: 0) == Int64(1_700_000_000_000))
        #expect(ReplayTime.parse("2h", now: 10_000_000) == Int64(2_800_000))
        #expect(ReplayTime.parse("90s", now: 100_000) == Int64(10_000))
        #expect(ReplayTime.parse("2023-11-14T22:13:20Z", now: 0) == Int64(1_700_000_000_000))
        #expect(ReplayTime.parse("yesterday", now: 0) == nil)
    }
}
