import Foundation
import Logging
import Preprocessor
import SCADACore
import SCADAKafka
import SCADAMQTT
import SCADAOps
import SCADATestSupport

let testLogger: Logger = {
    var logger = Logger(label: "preprocessor.test")
    logger.logLevel = ProcessInfo.processInfo.environment["SCADA_TEST_LOG"].flatMap(Logger.Level.init(rawValue:)) ?? .error
    return logger
}()

/// Real mosquitto and tansu with the preprocessor's topics created.
struct Servers {
    let mqtt: MosquittoServer
    let kafka: KafkaServer

    static func start() async throws -> Servers {
        async let mqtt = MosquittoServer.start()
        async let kafka = KafkaServer.start()
        let servers = Servers(mqtt: try await mqtt, kafka: try await kafka)
        try servers.kafka.createTopic(Topics.telemetry, partitions: 3)
        try servers.kafka.createTopic(Topics.deadLetter, partitions: 1)
        try servers.kafka.createTopic(Topics.deviceStatus, partitions: 1)
        return servers
    }

    func shutdown() {
        mqtt.shutdown()
        kafka.shutdown()
    }
}

/// A preprocessor running in this process, as the executable runs it, until `stop()`.
enum RunningPreprocessor {
    static func start(_ servers: Servers, clientID: String = "preprocessor-test",
                      configure: (inout PreprocessorConfiguration) -> Void = { _ in }) async throws -> RunningService {
        var common = CommonConfiguration(defaultHTTPPort: 0)
        common.mqtt.url = servers.mqtt.url
        common.kafka.brokers = servers.kafka.bootstrapServers
        var configuration = PreprocessorConfiguration()
        configuration.input.clientID = clientID
        configure(&configuration)
        let registry = MetricsRegistry(latencyBuckets: PreprocessorMetrics.latencyBuckets)
        let readiness = Readiness(checks: ["mqtt", "kafka"])
        let pipeline = PreprocessorPipeline(common: common, configuration: configuration,
                                            metrics: PreprocessorMetrics(factory: registry.factory),
                                            readiness: readiness, logger: testLogger)
        return try await RunningService.start(pipeline, registry: registry, readiness: readiness, logger: testLogger)
    }
}

/// A publishing client.
func makePublisher(_ servers: Servers, id: String = "publisher-\(UUID().uuidString.prefix(6))") async throws -> MQTTClient {
    let client = try MQTTClient(configuration: MQTTConfiguration(url: servers.mqtt.url, clientID: id), logger: testLogger)
    try await client.connect()
    return client
}

func makeConsumer(_ servers: Servers, topics: [String]) throws -> KafkaConsumer {
    try KafkaConsumer(configuration: KafkaConsumerConfiguration(
        bootstrapServers: servers.kafka.bootstrapServers, groupID: "test-\(UUID().uuidString.prefix(8))", topics: topics,
        sessionTimeout: .milliseconds(6000)), logger: testLogger)
}

/// A manufacturing payload with a sequence number (timestamps now, so they are never in the future).
func linePayload(device: String, seq: Int) -> [UInt8] {
    let now = Int64(Date().timeIntervalSince1970 * 1000)
    return Array("{\"plc_id\":\"\(device)\",\"timestamp\":\(now),\"seq\":\(seq),\"line_speed\":\(100 + seq % 7),\"alarm\":false}".utf8)
}

/// (device, seq) of a telemetry record.
func identity(_ message: KafkaConsumerMessage) throws -> String {
    let record = try TelemetryRecord(jsonBytes: message.value)
    return "\(record.deviceId)#\(record.seq ?? -1)"
}
