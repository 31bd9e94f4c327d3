import Foundation
import SCADACore
import SCADAKafka
import SCADAMQTT
import SCADATestSupport
import Testing
@testable import AnomalyDetector

/// The detector against real tansu and mosquitto.
@Suite(.serialized) struct DetectorIntegrationTests {
    static let alarmID = AlertRecord.alarmID(device: "LINE1-PLC", rule: "temperature-limits", metric: "temperature")

    /// Telemetry on Kafka becomes an MQTT alarm a plain client and `mosquitto_sub` see, device named;
    /// acknowledge and clear move it through the ISA-18.2 states, and the cleared alarm leaves MQTT.
    @Test func alarmOnMQTTAcknowledgedAndCleared() async throws {
        let servers = try await Servers.start()
        defer { servers.shutdown() }
        let producer = try servers.producer()
        let detector = try await RunningDetector.start(servers)
        let subscriber = try await servers.subscriber()
        let alerts = try AlertsReader(servers)

        try await send((1...5).map { reading("LINE1-PLC", temperature: 25, seq: $0) }, with: producer)
        try await send([reading("LINE1-PLC", temperature: 45, seq: 6)], with: producer)
        let topic = "scada/alerts/critical/LINE1-PLC/\(Self.alarmID)"
        try await eventually("the alarm on MQTT") { await subscriber.standing()[topic] != nil }
        let standing = try #require(await subscriber.standing()[topic])
        #expect(standing.deviceId == "LINE1-PLC" && standing.state == .activeUnacknowledged && standing.level == "hihi")
        #expect(standing.message.contains("LINE1-PLC"))
        // A new subscriber (the real mosquitto_sub) sees what is active now.
        let lines = try await servers.mosquittoSubRetained()
        #expect(lines.count == 1 && lines.first?.hasPrefix(topic + " ") == true && lines.first?.contains("\"device_id\":\"LINE1-PLC\"") == true)

        try await send(AlarmAction(alarmId: Self.alarmID, action: .acknowledge, user: "alice", comment: "on it",
                                   requestedAt: Int64(Date().timeIntervalSince1970 * 1000), requestId: "req-1"), with: producer)
        try await eventually("the acknowledgement") { await subscriber.standing()[topic]?.state == .activeAcknowledged }
        let acknowledged = try #require(await subscriber.standing()[topic])
        #expect(acknowledged.actions.count == 1 && acknowledged.actions.first?.user == "alice" && acknowledged.actions.first?.requestId == "req-1")

        try await send([reading("LINE1-PLC", temperature: 25, seq: 7)], with: producer)
        try await eventually("the clear on Kafka") { try await alerts.poll().contains { $0.alertId == Self.alarmID && $0.transition == .cleared } }
        try await eventually("the MQTT message removed") { await subscriber.standing()[topic] == nil }
        let left = try await servers.mosquittoSubRetained()
        #expect(left.isEmpty, "\(left)")
        let transitions = try await alerts.poll().filter { $0.alertId == Self.alarmID }
        #expect(transitions.map(\.transition) == [.raised, .acknowledged, .cleared])
        #expect(transitions.map(\.state) == [.activeUnacknowledged, .activeAcknowledged, .normal])
        #expect(transitions.map(\.sequence) == [1, 2, 3])
        #expect(detector.metric("anomaly_detector_records_evaluated_total") == 7)

        await alerts.close()
        await subscriber.close()
        try await detector.stop()
        await producer.shutdown()
    }

    /// kill -9 and restart: the active, acknowledged alarm stays so, is not raised again, and its
    /// acknowledgement survives; the clear afterwards continues its sequence.
    @Test func abortAndRestartKeepsActiveAlarms() async throws {
        let servers = try await Servers.start()
        defer { servers.shutdown() }
        let producer = try servers.producer()
        let alerts = try AlertsReader(servers)
        var detector = try await RunningDetector.start(servers)
        try await send((1...3).map { reading("LINE1-PLC", temperature: 25, seq: $0) } + [reading("LINE1-PLC", temperature: 35, seq: 4)],
                       with: producer)
        try await eventually("raised") { try await alerts.poll().contains { $0.alertId == Self.alarmID } }
        try await send(AlarmAction(alarmId: Self.alarmID, action: .acknowledge, user: "bob", requestId: "ack-1"), with: producer)
        try await eventually("acknowledged") { try await alerts.poll().contains { $0.alertId == Self.alarmID && $0.transition == .acknowledged } }
        // More samples with the condition present, some of them evaluated and not committed when the process dies.
        try await send((5...8).map { reading("LINE1-PLC", temperature: 36, seq: $0) }, with: producer)
        try await eventually("the samples evaluated") { detector.metric("anomaly_detector_records_evaluated_total") >= 8 }
        await detector.abort()

        detector = try await RunningDetector.start(servers)
        #expect(detector.metric("anomaly_detector_alarms") >= 1)
        try await send((9...12).map { reading("LINE1-PLC", temperature: 36, seq: $0) }, with: producer)
        try await eventually("the new samples evaluated") { detector.metric("anomaly_detector_records_evaluated_total") >= 4 }
        try await send([reading("LINE1-PLC", temperature: 25, seq: 13)], with: producer)
        try await eventually("cleared") { try await alerts.poll().contains { $0.alertId == Self.alarmID && $0.transition == .cleared } }
        let transitions = try await alerts.poll().filter { $0.alertId == Self.alarmID }
        #expect(transitions.map(\.transition) == [.raised, .acknowledged, .cleared])
        #expect(transitions.last?.state == .normal, "acknowledged before the restart, so the clear ends in normal")
        #expect(transitions.last?.sequence == 3)
        #expect(transitions.last?.actions.map(\.requestId) == ["ack-1"])
        await alerts.close()
        try await detector.stop()
        await producer.shutdown()
    }

    /// Two replicas in one group each own part of the partitions; every device's alarm is raised exactly once,
    /// also across the rebalance when the second replica joins while the alarms are active (it restores them).
    @Test func twoReplicasRaiseEachAlarmOnce() async throws {
        let servers = try await Servers.start(telemetryPartitions: 4)
        defer { servers.shutdown() }
        let producer = try servers.producer()
        let alerts = try AlertsReader(servers)
        let first = try await RunningDetector.start(servers)
        let devices = (1...40).map { "LINE\($0)-PLC" }
        try await send(devices.flatMap { device in (1...3).map { reading(device, temperature: 25, seq: $0) } }, with: producer)
        try await send(devices.map { reading($0, temperature: 35, seq: 4) }, with: producer)
        try await eventually("every device's alarm") {
            Set(try await alerts.poll().filter { $0.transition == .raised }.map(\.deviceId)).count == devices.count
        }
        let second = try await RunningDetector.start(servers)
        try await eventually("the partitions split between the replicas", timeout: .seconds(60)) {
            let (a, b) = (ownedPartitions(first), ownedPartitions(second))
            return !a.isEmpty && !b.isEmpty && a.isDisjoint(with: b) && a.union(b) == [0, 1, 2, 3]
        }
        try await send(devices.map { reading($0, temperature: 36, seq: 5) }, with: producer)
        try await send(devices.map { reading($0, temperature: 25, seq: 6) }, with: producer)
        try await eventually("every device's clear") {
            Set(try await alerts.poll().filter { $0.transition == .cleared }.map(\.deviceId)).count == devices.count
        }
        #expect(second.metric("anomaly_detector_records_evaluated_total") > 0)
        let transitions = try await alerts.poll()
        #expect(transitions.filter { $0.transition == .raised }.count == devices.count, "no alarm raised twice")
        #expect(transitions.filter { $0.transition == .cleared }.count == devices.count)
        #expect(transitions.filter { $0.transition == .cleared }.allSatisfy { $0.sequence == 2 && $0.state == .returnedUnacknowledged })
        await alerts.close()
        try await second.stop()
        try await first.stop()
        await producer.shutdown()
    }

    /// A rules file with an error is refused (logged, counted) and the old rules keep working; a good one is taken.
    @Test func badRulesFileIsRefusedAndOldRulesKeepWorking() async throws {
        let servers = try await Servers.start(telemetryPartitions: 1)
        defer { servers.shutdown() }
        let producer = try servers.producer()
        let alerts = try AlertsReader(servers)
        let detector = try await RunningDetector.start(servers)
        try servers.writeRules("rules:\n  - {name: temperature-limits, metric: temperature, detector: limits, hii: 20}\n")
        try await eventually("the bad file refused") { detector.metric("anomaly_detector_rules_rejected_total") == 1 }
        try await send([reading("D1", temperature: 25, seq: 1), reading("D1", temperature: 35, seq: 2)], with: producer)
        try await eventually("the old rule raising") { try await alerts.poll().contains { $0.deviceId == "D1" && $0.transition == .raised } }

        try servers.writeRules("rules:\n  - {name: temperature-low, metric: temperature, detector: limits, lo: 10}\n")
        try await eventually("the good file taken") { detector.metric("anomaly_detector_rules_reloads_total") == 1 }
        // The reload is counted when the file is read; the evaluator takes the rules with its next batch, so a
        // reading may still meet the old ones: readings keep coming, as from a live device.
        var seq: Int64 = 0
        try await eventually("the new rule raising") {
            seq += 1
            try await send([reading("D2", temperature: 5, seq: seq)], with: producer)
            return try await alerts.poll().contains { $0.deviceId == "D2" && $0.rule == "temperature-low" && $0.transition == .raised }
        }
        #expect(alerts.records.filter { $0.deviceId == "D1" && $0.transition == .raised }.count == 1)
        await alerts.close()
        try await detector.stop()
        await producer.shutdown()
    }

    /// Invalid records are dead-lettered, never crash the service; KPIs reach Kafka and MQTT in the seed's shape.
    @Test func deadLettersAndKPIs() async throws {
        let servers = try await Servers.start(telemetryPartitions: 1)
        defer { servers.shutdown() }
        let producer = try servers.producer()
        let cloud = try await servers.subscriber("cloud/factory/analytics")
        let detector = try await RunningDetector.start(servers)
        _ = try await producer.send(KafkaProducerRecord(topic: Topics.telemetry, key: "X", value: Array("{not json".utf8)))
        try await send((1...5).map { reading("LINE1-PLC", temperature: 25, seq: $0) }, with: producer)
        try await eventually("the dead letter") { detector.metric("anomaly_detector_dead_letters_total") == 1 }
        try await eventually("a KPI document") {
            await cloud.drain()
            return cloud.received.contains { message in
                guard let json = try? JSONSerialization.jsonObject(with: Data(message.payload)) as? [String: Any] else { return false }
                return json["facility_status"] != nil && json["energy_analytics"] != nil
                    && ((json["production"] as? [[String: Any]])?.first?["oee"] as? Double).map { $0 > 0.9 } == true
            }
        }
        let kpis = try KafkaPartitionReader(bootstrapServers: servers.kafka.bootstrapServers, partitions: [(Topics.analytics, 0)],
                                            logger: testLogger)
        var analytics: [AnalyticsRecord] = []
        try await eventually("an analytics record") {
            analytics += try await kpis.poll(maxMessages: 100, timeout: .milliseconds(100)).compactMap { try? AnalyticsRecord(jsonBytes: $0.value) }
            return analytics.contains { $0.site == "plant-1" && $0.line == "line1" && ($0.oee ?? 0) > 0.9 }
        }
        await kpis.close()
        await cloud.close()
        try await detector.stop()
        await producer.shutdown()
    }
}
