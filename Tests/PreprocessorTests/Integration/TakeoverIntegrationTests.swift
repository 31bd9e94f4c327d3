import Foundation
import SCADACore
import SCADAKafka
import SCADAMQTT
import SCADATestSupport
import Testing

/// Two preprocessor executables sharing the load (`$share/preprocessor/...`, persistent sessions); one is killed
/// with SIGKILL and never comes back. mosquitto goes on queueing the dead member's share in its session, so
/// without a takeover every other message after the kill stays at the broker. The survivor takes the dead
/// replica's session over (after the grace period), passes what it queued to Kafka and deletes it.
@Suite(.serialized) struct TakeoverIntegrationTests {
    @Test(.timeLimit(.minutes(3))) func aSurvivorTakesOverTheSessionOfAReplicaKilledForGood() async throws {
        let servers = try await Servers.start()
        defer { servers.shutdown() }
        let scratch = try Tools.scratchDirectory("pp-takeover")
        defer { try? FileManager.default.removeItem(at: scratch) }
        let executable = try CommandLineTool.builtProduct("preprocessor")
        func launch(_ clientID: String) throws -> ServerProcess {
            let configuration = scratch.appendingPathComponent("\(clientID).yaml")
            try """
            preprocessor:
              input:
                clientID: \(clientID)
                sharedGroup: preprocessor
                takeover: { graceSeconds: 1, quietMilliseconds: 1000 }
            """.write(to: configuration, atomically: true, encoding: .utf8)
            let process = ServerProcess(
                name: clientID, executable: executable, arguments: [],
                environment: ["SCADA_CONFIG": configuration.path, "SCADA_MQTT_URL": servers.mqtt.url,
                              "SCADA_KAFKA_BROKERS": servers.kafka.bootstrapServers,
                              "SCADA_HTTP_PORT": String(try Loopback.freePort()), "SCADA_LOG_LEVEL": "info"],
                logFile: scratch.appendingPathComponent("\(clientID).log"))
            try process.launch()
            return process
        }

        let consumer = try makeConsumer(servers, topics: [Topics.telemetry])
        let publisher = try await makePublisher(servers)
        let doomed = try launch("pp-a")
        defer { doomed.kill9() }
        let survivor = try launch("pp-b")
        defer { survivor.stop() }
        for replica in [doomed, survivor] {
            try await eventually("\(replica.name) subscribes to the shared group\n\(replica.logTail())", timeout: .seconds(60)) {
                replica.logTail(lines: 200).contains("subscribed")
            }
        }
        // Both members take their share: what comes through is split between them.
        var probes = 0
        try await eventually("the group passes probes to Kafka", timeout: .seconds(60), interval: .milliseconds(10)) {
            for _ in 0..<10 {
                try await publisher.publish(topic: "factory/line1", payload: linePayload(device: "PROBE", seq: probes))
                probes += 1
            }
            return try await consumer.drain(for: .milliseconds(300)).count >= 10
        }

        doomed.kill9()
        let count = 2000
        for index in 0..<count {
            try await publisher.publish(topic: "factory/line1", payload: linePayload(device: "T\(index % 4)", seq: index / 4))
        }
        let expected = Set((0..<count).map { "T\($0 % 4)#\($0 / 4)" })
        var seen: [String] = []
        let deadline = ContinuousClock.now + .seconds(60)
        while !expected.isSubset(of: Set(seen)) && ContinuousClock.now < deadline {
            seen += try await consumer.drain(for: .milliseconds(500)).map(identity).filter { $0.hasPrefix("T") }
        }
        let missing = expected.subtracting(seen)
        #expect(missing.isEmpty, "\(missing.count) of \(count) published after the kill never reached Kafka, e.g. \(missing.sorted().prefix(5))\n\(survivor.logTail())")
        try await eventually("the survivor ends the takeover by deleting the dead session\n\(survivor.logTail())", timeout: .seconds(30)) {
            survivor.logTail(lines: 400).contains("took over the session of a dead peer replica")
        }
        // After the takeover the dead member's session is gone: new messages all go to the survivor at once.
        let after = 200
        for index in 0..<after {
            try await publisher.publish(topic: "factory/line1", payload: linePayload(device: "U", seq: index))
        }
        var later: Set<String> = []
        let laterDeadline = ContinuousClock.now + .seconds(20)
        while later.count < after && ContinuousClock.now < laterDeadline {
            later.formUnion(try await consumer.drain(for: .milliseconds(300)).map(identity).filter { $0.hasPrefix("U#") })
        }
        #expect(later.count == after, "after the takeover \(after - later.count) of \(after) new messages were still routed to the dead session")
        await publisher.disconnect()
        await consumer.close()
    }
}
