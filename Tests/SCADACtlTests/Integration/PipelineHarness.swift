import AsyncHTTPClient
import DBInterface
import NIOCore
import Foundation
import Logging
import PLCSimulator
import Preprocessor
import SCADACore
import SCADAKafka
import SCADAOps
import SCADATestSupport
@testable import APIGateway

let testLogger: Logger = {
    var logger = Logger(label: "scadactl.test")
    logger.logLevel = ProcessInfo.processInfo.environment["SCADA_TEST_LOG"].flatMap(Logger.Level.init(rawValue:)) ?? .critical
    return logger
}()

enum Tokens {
    static let viewer = "ctl-viewer-token-01"
    static let `operator` = "ctl-operator-token-01"
}

/// The real pipeline for scadactl: mosquitto, tansu, nx-27017; db-interface, preprocessor and the api-gateway
/// in-process; the simulator's fish tank publishing. `scadactl` itself runs as the built binary.
final class CtlPipeline: Sendable {
    let mqtt: MosquittoServer
    let kafka: KafkaServer
    let mongo: MongoServer
    let services: [RunningService]
    let simulator: SimulatorInstance
    let gatewayURL: String
    let stateDirectory: String

    static func start() async throws -> CtlPipeline {
        async let mqtt = MosquittoServer.start()
        async let kafka = KafkaServer.start()
        async let mongo = MongoServer.start()
        let (m, k, d) = (try await mqtt, try await kafka, try await mongo)
        for topic in [Topics.telemetry, Topics.deviceStatus, Topics.alerts, Topics.alertActions, Topics.alarmState,
                      Topics.analytics, Topics.deadLetter] {
            try k.createTopic(topic, partitions: 1)
        }
        var common = CommonConfiguration(defaultHTTPPort: 0)
        common.http.host = Loopback.host
        common.http.port = 0
        common.mqtt.url = m.url
        common.kafka.brokers = k.bootstrapServers
        common.kafka.sessionTimeoutMs = 6000
        common.mongodb.uri = d.uri

        let historianRegistry = MetricsRegistry(), historianReadiness = Readiness(checks: ["kafka", "mongodb"])
        var historianConfiguration = DBInterfaceConfiguration()
        historianConfiguration.batch.flushIntervalMs = 200
        let historian = try await RunningService.start(
            Historian(common: common, configuration: historianConfiguration, metrics: DBInterfaceMetrics(factory: historianRegistry.factory),
                      readiness: historianReadiness, logger: testLogger),
            registry: historianRegistry, readiness: historianReadiness, logger: testLogger)

        let preprocessorRegistry = MetricsRegistry(latencyBuckets: PreprocessorMetrics.latencyBuckets)
        let preprocessorReadiness = Readiness(checks: ["mqtt", "kafka"])
        var preprocessorConfiguration = PreprocessorConfiguration()
        preprocessorConfiguration.input.clientID = "preprocessor-ctl-test"
        let preprocessor = try await RunningService.start(
            PreprocessorPipeline(common: common, configuration: preprocessorConfiguration,
                                 metrics: PreprocessorMetrics(factory: preprocessorRegistry.factory),
                                 readiness: preprocessorReadiness, logger: testLogger),
            registry: preprocessorRegistry, readiness: preprocessorReadiness, logger: testLogger)

        var gatewayConfiguration = APIGatewayConfiguration()
        gatewayConfiguration.rateLimit.burst = 100_000
        gatewayConfiguration.rateLimit.requestsPerSecond = 100_000
        gatewayConfiguration.commands.ackTimeoutMs = 10_000
        gatewayConfiguration.alarmActions.resultTimeoutMs = 10_000
        let gatewayRegistry = MetricsRegistry(), gatewayReadiness = Readiness(checks: Gateway.readinessChecks)
        let gateway = Gateway(common: common, configuration: gatewayConfiguration,
                              environment: ["SCADA_API_TOKENS": "\(Tokens.viewer)=viewer,\(Tokens.operator)=operator"],
                              registry: gatewayRegistry, readiness: gatewayReadiness, logger: testLogger)
        let gatewayService = try await RunningService.start(gateway, registry: gatewayRegistry, readiness: gatewayReadiness,
                                                            logger: testLogger, readyWithin: .seconds(40))
        guard let port = gateway.port else { throw TestServerError("the gateway reported ready without a port") }

        let state = FileManager.default.temporaryDirectory.appendingPathComponent("ctl-sim-\(UUID().uuidString.prefix(8))").path
        var simulatorConfiguration = SimulatorConfiguration()
        simulatorConfiguration.devices = [DeviceGroup(profile: "fish_tank", count: 1, interval: 0.2)]
        simulatorConfiguration.storeAndForward.directory = state
        simulatorConfiguration.tickMilliseconds = 5
        let simulator = try await SimulatorInstance.start(configuration: simulatorConfiguration, mqttURL: m.url, logger: testLogger,
                                                          metrics: .discarding)
        return CtlPipeline(mqtt: m, kafka: k, mongo: d, services: [historian, preprocessor, gatewayService], simulator: simulator,
                           gatewayURL: "http://\(Loopback.host):\(port)", stateDirectory: state)
    }

    private init(mqtt: MosquittoServer, kafka: KafkaServer, mongo: MongoServer, services: [RunningService], simulator: SimulatorInstance,
                 gatewayURL: String, stateDirectory: String) {
        self.mqtt = mqtt
        self.kafka = kafka
        self.mongo = mongo
        self.services = services
        self.simulator = simulator
        self.gatewayURL = gatewayURL
        self.stateDirectory = stateDirectory
    }

    func stop() async throws {
        await simulator.stop()
        for service in services.reversed() { try await service.stop() }
        mqtt.shutdown()
        kafka.shutdown()
        mongo.shutdown()
        try? FileManager.default.removeItem(atPath: stateDirectory)
    }

    /// Runs `scadactl` against the gateway with `token` (from the environment, as scripts do).
    func ctl(_ arguments: String..., token: String? = Tokens.operator, timeout: Duration = .seconds(60)) async throws -> CommandLineTool.Run {
        try await CommandLineTool.run(try CommandLineTool.builtProduct("scadactl"), arguments,
                                      environment: ["SCADA_API_URL": gatewayURL, "SCADA_API_TOKEN": token ?? ""], timeout: timeout)
    }

    /// `scadactl command …`, sent again (at most twice) when it ends 7 (no ack in time): the gateway occasionally
    /// sends a tank command to its range topic (docs/hmi.md, "Known problems").
    func command(_ arguments: String...) async throws -> CommandLineTool.Run {
        var run = try await CommandLineTool.run(try CommandLineTool.builtProduct("scadactl"), ["command"] + arguments,
                                                environment: ["SCADA_API_URL": gatewayURL, "SCADA_API_TOKEN": Tokens.operator])
        for _ in 0..<2 where run.status == 7 {
            run = try await CommandLineTool.run(try CommandLineTool.builtProduct("scadactl"), ["command"] + arguments,
                                                environment: ["SCADA_API_URL": gatewayURL, "SCADA_API_TOKEN": Tokens.operator])
        }
        return run
    }

    /// SSE clients of the alert stream, from the gateway's `api_gateway_stream_clients` gauge.
    func alertStreamClients() async throws -> Int {
        let response = try await HTTPClient.shared.execute(HTTPClientRequest(url: gatewayURL + "/metrics"), timeout: .seconds(10))
        let text = String(buffer: try await response.body.collect(upTo: 16 << 20))
        for line in text.split(separator: "\n") where line.hasPrefix("api_gateway_stream_clients{")
            && line.contains("\"alerts\"") && line.contains("\"sse\"") {
            return Int(Double(line.split(separator: " ").last ?? "") ?? 0)
        }
        return 0
    }

    func producer() throws -> KafkaProducer {
        try KafkaProducer(configuration: KafkaProducerConfiguration(bootstrapServers: kafka.bootstrapServers), logger: testLogger)
    }
}

var nowMilliseconds: Int64 { Int64(Date().timeIntervalSince1970 * 1000) }
