import Foundation
import Logging
import SCADACore
import SCADAKafka
import SCADAMQTT
import SCADAOps
import SCADATestSupport
@testable import AnomalyDetector

let testLogger: Logger = {
    var logger = Logger(label: "anomaly-detector.test")
    logger.logLevel = ProcessInfo.processInfo.environment["SCADA_TEST_LOG"].flatMap(Logger.Level.init(rawValue:)) ?? .critical
    return logger
}()

/// Real mosquitto and tansu with the detector's input topics, and a rules file in a scratch directory.
struct Servers {
    let mqtt: MosquittoServer
    let kafka: KafkaServer
    let directory: URL

    var rulesFile: String { directory.appendingPathComponent("rules.yaml").path }

    static func start(telemetryPartitions: Int = 3, rules: String = Servers.defaultRules) async throws -> Servers {
        async let mqtt = MosquittoServer.start()
        async let kafka = KafkaServer.start()
        let servers = Servers(mqtt: try await mqtt, kafka: try await kafka, directory: try Tools.scratchDirectory("anomaly"))
        try await servers.createTopic(Topics.telemetry, partitions: telemetryPartitions)
        try await servers.createTopic(Topics.alarmState, partitions: telemetryPartitions)
        for topic in [Topics.deviceStatus, Topics.alerts, Topics.alertActions, Topics.deadLetter, Topics.analytics, Topics.alertsReplay] {
            try await servers.createTopic(topic, partitions: 1)
        }
        try servers.writeRules(rules)
        return servers
    }

    static let defaultRules = """
    rules:
      - {name: temperature-limits, metric: temperature, detector: limits, hi: 30, hihi: 40, deadband: 0.5, severity: warning}
      - {name: silence, detector: silence, timeoutSeconds: 30, severity: critical}
    """

    /// Creates a topic, retrying while a freshly started broker does not take requests yet.
    func createTopic(_ name: String, partitions: Int) async throws {
        let deadline = ContinuousClock.now + .seconds(20)
        while true {
            do {
                try kafka.createTopic(name, partitions: partitions)
                return
            } catch {
                guard ContinuousClock.now < deadline else { throw error }
                try await Task.sleep(for: .milliseconds(200))
            }
        }
    }

    func writeRules(_ text: String) throws {
        try text.write(toFile: rulesFile, atomically: true, encoding: .utf8)
    }

    func shutdown() {
        mqtt.shutdown()
        kafka.shutdown()
        try? FileManager.default.removeItem(at: directory)
    }

    func producer() throws -> KafkaProducer {
        try KafkaProducer(configuration: KafkaProducerConfiguration(bootstrapServers: kafka.bootstrapServers, linger: .milliseconds(1)),
                          logger: testLogger)
    }

    /// A plain MQTT client subscribed to `filter`.
    func subscriber(_ filter: String = "scada/alerts/#") async throws -> Subscriber {
        let client = try MQTTClient(configuration: MQTTConfiguration(url: mqtt.url, clientID: "sub-\(UUID().uuidString.prefix(6))"),
                                    logger: testLogger)
        try await client.connect()
        try await client.subscribe(filter, qos: .atLeastOnce)
        return Subscriber(client: client)
    }

    /// Runs `mosquitto_sub` (the real binary) as a new subscriber of `filter` and returns the retained messages it
    /// printed (`topic payload` lines). It is ended by a non-retained probe message published under the filter
    /// (`--retained-only` exits on the first one), repeated until it exits: no timer (its -W alarm signal is
    /// blocked in processes started from the test runner).
    func mosquittoSubRetained(_ filter: String = "scada/alerts/#", probe: String = "scada/alerts/_probe") async throws -> [String] {
        let binary = try Tools.locate("mosquitto_sub", installHint: "apt-get install mosquitto-clients")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = ["-h", Loopback.host, "-p", String(mqtt.port), "-t", filter, "-v", "--retained-only", "-q", "1"]
        let output = directory.appendingPathComponent("mosquitto_sub-\(UUID().uuidString.prefix(6)).txt")
        _ = FileManager.default.createFile(atPath: output.path, contents: nil)
        let handle = try FileHandle(forWritingTo: output)
        process.standardOutput = handle
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let prober = try MQTTClient(configuration: MQTTConfiguration(url: mqtt.url, clientID: "probe-\(UUID().uuidString.prefix(6))"),
                                    logger: testLogger)
        try await prober.connect()
        let deadline = ContinuousClock.now + .seconds(20)
        while process.isRunning {
            guard ContinuousClock.now < deadline else { process.terminate(); throw TestServerError("mosquitto_sub did not exit") }
            try await Task.sleep(for: .milliseconds(200))
            try? await prober.publish(topic: probe, payload: Array("probe".utf8), qos: .atLeastOnce, retain: false)
        }
        await prober.disconnect()
        try handle.close()
        let data = try Data(contentsOf: output)
        return String(decoding: data, as: UTF8.self).split(separator: "\n").map(String.init)
            .filter { !$0.isEmpty && !$0.hasPrefix(probe + " ") }
    }
}

/// Messages a plain MQTT client received, with the retained view (last payload per topic).
final class Subscriber {
    let client: MQTTClient
    private(set) var received: [MQTTMessage] = []
    private(set) var latest: [String: [UInt8]] = [:]

    init(client: MQTTClient) { self.client = client }

    func drain() async {
        while client.bufferedMessageCount > 0 {
            for message in await client.messages.nextBatch(max: 1_000) {
                received.append(message)
                latest[message.topic] = message.payload
            }
        }
    }

    /// Alarms standing now (non-empty last payload per topic), decoded.
    func standing() async -> [String: AlertRecord] {
        await drain()
        var result: [String: AlertRecord] = [:]
        for (topic, payload) in latest where !payload.isEmpty {
            if let record = try? AlertRecord(jsonBytes: payload) { result[topic] = record }
        }
        return result
    }

    func close() async { await client.disconnect() }
}

/// Reads `scada.alerts` from the beginning (no group), keeping every transition seen.
final class AlertsReader {
    let reader: KafkaPartitionReader
    private(set) var records: [AlertRecord] = []

    init(_ servers: Servers, topic: String = Topics.alerts) throws {
        reader = try KafkaPartitionReader(bootstrapServers: servers.kafka.bootstrapServers, partitions: [(topic, 0)],
                                          logger: testLogger)
    }

    func poll() async throws -> [AlertRecord] {
        for message in try await reader.poll(maxMessages: 10_000, timeout: .milliseconds(100)) {
            if let record = try? AlertRecord(jsonBytes: message.value) { records.append(record) }
        }
        return records
    }

    func raised(_ alarmID: String) -> Int { records.filter { $0.alertId == alarmID && $0.transition == .raised }.count }

    func close() async { await reader.close() }
}

/// The detector running in this process until `stop()` (graceful) or `abort()` (like kill -9).
enum RunningDetector {
    static func start(_ servers: Servers, configure: (inout AnomalyDetectorConfiguration) -> Void = { _ in }) async throws -> RunningService {
        var common = CommonConfiguration(defaultHTTPPort: 0)
        common.kafka.brokers = servers.kafka.bootstrapServers
        common.kafka.sessionTimeoutMs = 6000
        common.mqtt.url = servers.mqtt.url
        var configuration = AnomalyDetectorConfiguration()
        configuration.rulesFile = servers.rulesFile
        configuration.rulesReloadIntervalMs = 200
        configuration.timerIntervalMs = 200
        configuration.commitIntervalMs = 200
        configuration.analytics.intervalSeconds = 1
        configure(&configuration)
        let registry = MetricsRegistry()
        let readiness = Readiness(checks: ["kafka", "state"])
        let pipeline = DetectorPipeline(common: common, configuration: configuration,
                                        metrics: AnomalyDetectorMetrics(factory: registry.factory), readiness: readiness,
                                        logger: testLogger)
        return try await RunningService.start(pipeline, registry: registry, readiness: readiness, logger: testLogger,
                                              readyWithin: .seconds(60))
    }
}

/// A manufacturing record of `device` at `time` (UTC ms) with `temperature`.
func reading(_ device: String, temperature: Double, seq: Int64, time: Int64 = Int64(Date().timeIntervalSince1970 * 1000)) -> TelemetryRecord {
    TelemetryRecord(deviceId: device, deviceType: "manufacturing", site: "plant-1", line: "line1", eventTime: time,
                    receiveTime: time, seq: seq, metrics: ["temperature": temperature, "quality_rate": 99, "line_speed": 100],
                    states: ["status": .string("running")], sourceTopic: "factory/line1")
}

func send(_ records: [TelemetryRecord], with producer: KafkaProducer) async throws {
    let results = await producer.send(try records.map {
        KafkaProducerRecord(topic: Topics.telemetry, key: Array($0.deviceId.utf8), value: try $0.jsonBytes())
    })
    for result in results { _ = try result.get() }
}

func send(_ action: AlarmAction, with producer: KafkaProducer) async throws {
    _ = try await producer.send(KafkaProducerRecord(topic: Topics.alertActions, key: Array(action.alarmId.utf8),
                                                    value: try action.jsonBytes()))
}

/// Polls `condition` until true or `timeout`.
func eventually(_ what: String, timeout: Duration = .seconds(30), _ condition: () async throws -> Bool) async throws {
    let deadline = ContinuousClock.now + timeout
    while try await !condition() {
        guard ContinuousClock.now < deadline else { throw TestServerError("timed out waiting for \(what)") }
        try await Task.sleep(for: .milliseconds(100))
    }
}

/// Partitions a running detector has restored, from its readiness detail.
func ownedPartitions(_ service: RunningService) -> Set<Int32> {
    guard let detail = service.readiness.snapshot.first(where: { $0.name == "state" && $0.ready })?.detail,
          let open = detail.firstIndex(of: "["), let close = detail.firstIndex(of: "]") else { return [] }
    return Set(detail[detail.index(after: open)..<close].split(separator: ",").compactMap { Int32($0.trimmingCharacters(in: .whitespaces)) })
}
