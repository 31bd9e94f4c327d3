import SCADACore
import SCADATestSupport
import Testing

/// `scadactl topics create|list` against a real broker: every platform topic, the alarm state co-partitioned
/// with the telemetry (the anomaly-detector refuses to start otherwise), and a second run changes nothing.
@Suite struct TopicsCommandTests {
    @Test func createsEveryTopicCoPartitioned() async throws {
        let kafka = try await KafkaServer.start()
        defer { kafka.shutdown() }
        let scadactl = try CommandLineTool.builtProduct("scadactl")
        let created = try await CommandLineTool.run(scadactl, ["topics", "create", "--brokers", kafka.bootstrapServers,
                                                               "--telemetry-partitions", "4", "--partitions", "2"])
        #expect(created.status == 0, "\(created)")
        #expect(created.stdout.split(separator: "\n").filter { $0.hasPrefix("created") }.count == Topics.all.count, "\(created)")

        let listed = try await CommandLineTool.run(scadactl, ["topics", "list", "--brokers", kafka.bootstrapServers])
        #expect(listed.status == 0, "\(listed)")
        var partitions: [String: Int] = [:]
        for line in listed.stdout.split(separator: "\n") {
            let fields = line.split(separator: "\t")
            if fields.count == 2, let count = Int(fields[1]) { partitions[String(fields[0])] = count }
        }
        #expect(partitions[Topics.telemetry] == 4 && partitions[Topics.alarmState] == 4, "\(partitions)")
        for topic in Topics.all where !Topics.coPartitionedWithTelemetry.contains(topic) {
            #expect(partitions[topic] == 2, "\(topic): \(partitions)")
        }

        let again = try await CommandLineTool.run(scadactl, ["topics", "create", "--brokers", kafka.bootstrapServers])
        #expect(again.status == 0 && !again.stdout.contains("created"), "\(again)")
    }
}
