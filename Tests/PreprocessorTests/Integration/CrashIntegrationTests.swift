import Foundation
import SCADACore
import SCADAKafka
import SCADAMQTT
import SCADATestSupport
import Testing

/// The preprocessor executable killed with SIGKILL mid-stream, then started again with the same session.
@Suite(.serialized) struct CrashIntegrationTests {
    /// With `input.acknowledge: afterKafka` the broker only ever got the acknowledgement of a message whose
    /// record Kafka had: a crash loses nothing, whatever was in the process's buffers comes again. The producer
    /// lingers a second here, so that at the moment of the kill hundreds of messages have been read and are not
    /// in Kafka yet (acknowledged on receipt, they would be lost: run it with `acknowledge: onReceipt` to see).
    @Test func killedMidStreamLosesNothing() async throws {
        let servers = try await Servers.start()
        defer { servers.shutdown() }
        let scratch = try Tools.scratchDirectory("pp-crash")
        defer { try? FileManager.default.removeItem(at: scratch) }
        let configuration = scratch.appendingPathComponent("preprocessor.yaml")
        try """
        preprocessor:
          input:
            clientID: pp-crash
            acknowledge: afterKafka
          output:
            lingerMs: 1000
        """.write(to: configuration, atomically: true, encoding: .utf8)
        let executable = try CommandLineTool.builtProduct("preprocessor")
        func launch(_ run: Int) throws -> ServerProcess {
            let process = ServerProcess(
                name: "preprocessor", executable: executable, arguments: [],
                environment: ["SCADA_CONFIG": configuration.path, "SCADA_MQTT_URL": servers.mqtt.url,
                              "SCADA_KAFKA_BROKERS": servers.kafka.bootstrapServers,
                              "SCADA_HTTP_PORT": String(try Loopback.freePort()), "SCADA_LOG_LEVEL": "warning"],
                logFile: scratch.appendingPathComponent("preprocessor-\(run).log"))
            try process.launch()
            return process
        }

        let consumer = try makeConsumer(servers, topics: [Topics.telemetry])
        let publisher = try await makePublisher(servers)
        var first = try launch(1)
        defer { first.kill9() }
        // Subscribed once a probe comes through (its session then exists at the broker).
        var probes = 0
        try await eventually("the preprocessor to pass a probe to Kafka\n\(first.logTail())", timeout: .seconds(60),
                             interval: .milliseconds(10)) {
            try await publisher.publish(topic: "factory/line1", payload: linePayload(device: "PROBE", seq: probes))
            probes += 1
            return try await !consumer.drain(for: .milliseconds(300)).isEmpty
        }

        let count = 6000, killAt = 2500
        for index in 0..<killAt {
            try await publisher.publish(topic: "factory/line1", payload: linePayload(device: "K\(index % 3)", seq: index / 3))
        }
        first.kill9()
        let beforeRestart = try await consumer.drain(for: .seconds(2))
        for index in killAt..<count {
            try await publisher.publish(topic: "factory/line1", payload: linePayload(device: "K\(index % 3)", seq: index / 3))
        }
        first = try launch(2)
        let expected = Set((0..<count).map { "K\($0 % 3)#\($0 / 3)" })
        var seen = try beforeRestart.map(identity).filter { $0.hasPrefix("K") }
        let inKafkaAtKill = seen.count
        let deadline = ContinuousClock.now + .seconds(90)
        while !expected.isSubset(of: Set(seen)) && ContinuousClock.now < deadline {
            seen += try await consumer.drain(for: .milliseconds(500)).map(identity).filter { $0.hasPrefix("K") }
        }
        seen += try await consumer.drain(for: .seconds(2)).map(identity).filter { $0.hasPrefix("K") }
        let missing = expected.subtracting(seen)
        #expect(missing.count == 0, "lost \(missing.count) of \(count) across kill -9, e.g. \(missing.sorted().prefix(5))\n\(first.logTail())")
        #expect(inKafkaAtKill < killAt, "the kill happened with messages read and not in Kafka (\(inKafkaAtKill) of \(killAt) there)")
        // Redelivered: what Kafka had whose acknowledgement was still held at the kill (at most the broker's window).
        let duplicates = seen.count - Set(seen).count
        #expect(duplicates <= 10_000, "duplicates \(duplicates)")
        first.stop()
        await publisher.disconnect()
        await consumer.close()
    }
}
