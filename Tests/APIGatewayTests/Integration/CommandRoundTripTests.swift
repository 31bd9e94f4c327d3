import Foundation
import PLCSimulator
import Preprocessor
import SCADACore
import SCADAKafka
import SCADAMongo
import SCADAOps
import SCADATestSupport
import Testing
@testable import APIGateway

/// A command sent through the API reaches the simulator's fish tank over MQTT and its ack comes back; the effect
/// shows in the tank's telemetry (simulator → mosquitto → preprocessor → Kafka → the gateway's latest view).
@Suite(.serialized) struct CommandRoundTripTests {
    @Test func commandsRoundTripToTheFishTank() async throws {
        let servers = try await Servers.start()
        defer { servers.shutdown() }
        let state = FileManager.default.temporaryDirectory.appendingPathComponent("gw-sim-\(UUID().uuidString.prefix(8))").path
        defer { try? FileManager.default.removeItem(atPath: state) }
        let preprocessor = try await startPreprocessor(servers)
        let gateway = try await RunningGateway.start(servers)
        var configuration = SimulatorConfiguration()
        configuration.devices = [DeviceGroup(profile: "fish_tank", count: 1, interval: 0.2)]
        configuration.storeAndForward.directory = state
        configuration.tickMilliseconds = 5
        let simulator = try await SimulatorInstance.start(configuration: configuration, mqttURL: servers.mqtt.url, logger: testLogger,
                                                          metrics: .discarding)
        try await eventually("the tank's telemetry in latest", timeout: .seconds(60)) {
            try await gateway.request("/api/v1/devices/tank_01/latest").object["source_topic"] as? String == "factory/fishtank/tank_01"
        }
        func command(_ name: String, _ params: String) async throws -> Answer {
            try await gateway.request(.POST, "/api/v1/devices/tank_01/commands", token: TestTokens.operator,
                                      json: #"{"command":"\#(name)","params":\#(params)}"#)
        }
        let takeover = try await command("set_controller", #"{"mode":"external"}"#)
        #expect(takeover.status == 200 && takeover.object["status"] as? String == "accepted", "\(takeover.text)")
        let heaterOn = try await command("set_heater", #"{"on":true}"#)
        #expect(heaterOn.status == 200 && (heaterOn.object["ack"] as? [String: Any])?["result"] as? String == "accepted")
        try await eventually("the heater on in telemetry") {
            let states = try await gateway.request("/api/v1/devices/tank_01/latest").object["states"] as? [String: Any]
            return states?["heater"] as? Bool == true && states?["controller"] as? String == "external"
        }
        _ = try await command("set_heater", #"{"on":false}"#)
        try await eventually("the heater off in telemetry") {
            (try await gateway.request("/api/v1/devices/tank_01/latest").object["states"] as? [String: Any])?["heater"] as? Bool == false
        }
        let rejected = try await command("launch_rockets", "{}")
        #expect(rejected.status == 200 && rejected.object["status"] as? String == "rejected")
        #expect(((rejected.object["ack"] as? [String: Any])?["reason"] as? String)?.isEmpty == false)

        // The audit record: who sent what, and the outcome.
        let id = try #require(heaterOn.object["command_id"] as? String)
        let audit = try await gateway.request("/api/v1/commands/\(id)")
        #expect(audit.object["user"] as? String == "api-token-2" && audit.object["role"] as? String == "operator")
        #expect(audit.object["command"] as? String == "set_heater" && audit.object["status"] as? String == "accepted")
        #expect((audit.object["params"] as? [String: Any])?["on"] as? Bool == true)
        #expect(try await gateway.request("/api/v1/commands/cmd-unknown").status == 404)

        // Unknown device: 404. A device that does not answer: 202 with the command id, still pending.
        #expect(try await gateway.request(.POST, "/api/v1/devices/nobody/commands", token: TestTokens.operator, json: #"{"command":"x"}"#).status == 404)
        let producer = try servers.producer()
        try await eventually("the silent device in latest") {
            try await send([(Topics.telemetry, "GHOST", try sample("GHOST", seq: 1, base: nowMilliseconds, topic: "factory/ghost").jsonBytes())],
                           with: producer)
            return try await gateway.request("/api/v1/devices/GHOST/latest").status == 200
        }
        let pending = try await gateway.request(.POST, "/api/v1/devices/GHOST/commands?wait_ms=300", token: TestTokens.operator,
                                                json: #"{"command":"set_power","params":{"on":true}}"#)
        #expect(pending.status == 202 && pending.object["status"] as? String == "pending")
        #expect(pending.headers.first(name: "Location")?.hasPrefix("/api/v1/commands/cmd-") == true)
        await simulator.stop()
        try await gateway.stop()
        try await preprocessor.stop()
        await producer.shutdown()
    }

    func startPreprocessor(_ servers: Servers) async throws -> RunningService {
        let common = servers.common
        let registry = MetricsRegistry(latencyBuckets: PreprocessorMetrics.latencyBuckets)
        let readiness = Readiness(checks: ["mqtt", "kafka"])
        var configuration = PreprocessorConfiguration()
        configuration.input.clientID = "preprocessor-gw-test"
        let pipeline = PreprocessorPipeline(common: common, configuration: configuration, metrics: PreprocessorMetrics(factory: registry.factory),
                                            readiness: readiness, logger: testLogger)
        return try await RunningService.start(pipeline, registry: registry, readiness: readiness, logger: testLogger)
    }
}
