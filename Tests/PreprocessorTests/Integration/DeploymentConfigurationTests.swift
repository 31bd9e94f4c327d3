import Foundation
import SCADACore
import SCADAKafka
import SCADAMQTT
import SCADAOps
import SCADATestSupport
import Testing
@testable import Preprocessor

/// The committed deployment files as compose and Kubernetes use them: mosquitto on `configmaps/mosquitto.conf`
/// with the example password file and ACL, the preprocessor on `configmaps/preprocessor.yaml` with its MQTT
/// credentials in `SCADA_MQTT_URL` (as the Secret scada-mqtt-credentials gives it). Only ports and paths differ.
@Suite(.serialized) struct DeploymentConfigurationTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    @Test func simulatorTelemetryReachesKafkaThroughTheAuthenticatedBroker() async throws {
        let broker = try await Self.startCommittedBroker()
        defer { broker.process.stop() }
        let kafka = try await KafkaServer.start()
        defer { kafka.shutdown() }
        try kafka.createTopic(Topics.telemetry, partitions: 3)
        try kafka.createTopic(Topics.deadLetter, partitions: 1)
        try kafka.createTopic(Topics.deviceStatus, partitions: 1)

        let file = try String(contentsOf: Self.repository.appendingPathComponent("configmaps/preprocessor.yaml"), encoding: .utf8)
        let loader = try ConfigurationLoader(yaml: file, environment: [
            "SCADA_MQTT_URL": "mqtt://preprocessor:preprocessor-change-me@127.0.0.1:\(broker.port)",
            "SCADA_KAFKA_BROKERS": kafka.bootstrapServers,
        ], source: "configmaps/preprocessor.yaml")
        let common = try loader.common(defaultHTTPPort: PreprocessorService.defaultHTTPPort)
        var configuration = try loader.section("preprocessor", defaults: PreprocessorConfiguration())
        configuration.input.clientID = "preprocessor-deployment-test"
        let registry = MetricsRegistry(latencyBuckets: PreprocessorMetrics.latencyBuckets)
        let readiness = Readiness(checks: ["mqtt", "kafka"])
        let pipeline = PreprocessorPipeline(common: common, configuration: configuration,
                                            metrics: PreprocessorMetrics(factory: registry.factory),
                                            readiness: readiness, logger: testLogger)
        let preprocessor = try await RunningService.start(pipeline, registry: registry, readiness: readiness, logger: testLogger)

        let consumer = try KafkaConsumer(configuration: KafkaConsumerConfiguration(
            bootstrapServers: kafka.bootstrapServers, groupID: "deployment-test", topics: [Topics.telemetry],
            sessionTimeout: .milliseconds(6000)), logger: testLogger)
        let simulator = try MQTTClient(configuration: MQTTConfiguration(
            url: "mqtt://plc-simulator:plc-simulator-change-me@127.0.0.1:\(broker.port)", clientID: "simulator-deployment-test"),
            logger: testLogger)
        try await simulator.connect()
        try await simulator.publish(topic: "factory/line1", payload: Array(SamplePayloads.manufacturing.utf8))

        let records = try await consumer.consume(count: 1)
        #expect(records.count == 1)
        #expect(records.first.map { String(decoding: $0.value, as: UTF8.self) }?.contains("LINE1-PLC") == true)
        await simulator.disconnect()
        try await preprocessor.stop()
    }

    @Test func theBrokerRefusesAnonymousClients() async throws {
        let broker = try await Self.startCommittedBroker()
        defer { broker.process.stop() }
        let anonymous = try MQTTClient(configuration: MQTTConfiguration(url: "mqtt://127.0.0.1:\(broker.port)",
                                                                       clientID: "anonymous-deployment-test"), logger: testLogger)
        await #expect(throws: MQTTError.self) { try await anonymous.connect() }
        await anonymous.disconnect()
    }

    /// mosquitto on the committed configuration: listeners on free loopback ports, auth and data in a scratch folder.
    /// Another process may take a chosen port before mosquitto binds it: then it starts again on new ports.
    static func startCommittedBroker() async throws -> (process: ServerProcess, port: Int) {
        var attempt = 1
        while true {
            do {
                return try await startCommittedBrokerOnce()
            } catch where attempt < 3 {
                attempt += 1
            }
        }
    }

    private static func startCommittedBrokerOnce() async throws -> (process: ServerProcess, port: Int) {
        let directory = try Tools.scratchDirectory("mosquitto-deploy")
        let secrets = repository.appendingPathComponent("k8s-manifests/base/secrets")
        for (source, target) in [("mosquitto-passwd", "passwd"), ("mosquitto-acl", "acl")] {
            try FileManager.default.copyItem(at: secrets.appendingPathComponent(source),
                                             to: directory.appendingPathComponent(target))
            try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: directory.appendingPathComponent(target).path)
        }
        let port = try Loopback.freePort()
        let webSockets = try Loopback.freePort()
        let committed = try String(contentsOf: repository.appendingPathComponent("configmaps/mosquitto.conf"), encoding: .utf8)
        let lines = committed.components(separatedBy: "\n").map { line -> String in
            switch line {
            case "listener 1883": return "listener \(port) \(Loopback.host)"
            case "listener 9001": return "listener \(webSockets) \(Loopback.host)"
            default: return line.replacingOccurrences(of: "/mosquitto/auth/", with: directory.path + "/")
                .replacingOccurrences(of: "/mosquitto/data/", with: directory.path + "/")
            }
        }
        let config = (lines + (getuid() == 0 ? ["user root"] : [])).joined(separator: "\n") + "\n"
        let configURL = directory.appendingPathComponent("mosquitto.conf")
        try config.write(to: configURL, atomically: true, encoding: .utf8)
        let binary = try Tools.locate("mosquitto", installHint: "make setup (or: sudo apt-get install mosquitto)")
        let process = ServerProcess(name: "mosquitto", executable: binary, arguments: ["-c", configURL.path],
                                    logFile: directory.appendingPathComponent("mosquitto.log"))
        try process.launch()
        do {
            try await Loopback.waitUntilListening(port: port, timeout: 30, server: process)
        } catch {
            process.kill9()
            throw error
        }
        return (process, port)
    }
}
