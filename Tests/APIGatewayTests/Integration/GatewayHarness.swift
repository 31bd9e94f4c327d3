import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import SCADACore
import SCADAKafka
import SCADAMongo
import SCADAOps
import SCADATestSupport
import Synchronization
@testable import APIGateway

let testLogger: Logger = {
    var logger = Logger(label: "api-gateway.test")
    logger.logLevel = ProcessInfo.processInfo.environment["SCADA_TEST_LOG"].flatMap(Logger.Level.init(rawValue:)) ?? .critical
    return logger
}()

/// Static API tokens the test gateways accept.
enum TestTokens {
    static let viewer = "viewer-token-0001"
    static let `operator` = "operator-token-0001"
    static let admin = "admin-token-00001"
    static let hs256Secret = "test-secret-test-secret-test-secret-0001"
    static var environment: String { "\(viewer)=viewer,\(`operator`)=operator,\(admin)=admin" }
}

/// Real mosquitto, tansu and nx-27017 with the platform's topics.
struct Servers {
    let mqtt: MosquittoServer
    let kafka: KafkaServer
    let mongo: MongoServer

    static func start() async throws -> Servers {
        async let mqtt = MosquittoServer.start()
        async let kafka = KafkaServer.start()
        async let mongo = MongoServer.start()
        let servers = Servers(mqtt: try await mqtt, kafka: try await kafka, mongo: try await mongo)
        for topic in [Topics.telemetry, Topics.deviceStatus, Topics.alerts, Topics.alertActions, Topics.alarmState,
                      Topics.analytics, Topics.deadLetter] {
            try servers.kafka.createTopic(topic, partitions: topic == Topics.telemetry ? 3 : 1)
        }
        return servers
    }

    func shutdown() {
        mqtt.shutdown()
        kafka.shutdown()
        mongo.shutdown()
    }

    var common: CommonConfiguration {
        var common = CommonConfiguration(defaultHTTPPort: 0)
        common.http.host = Loopback.host
        common.mqtt.url = mqtt.url
        common.kafka.brokers = kafka.bootstrapServers
        common.kafka.sessionTimeoutMs = 6000
        common.mongodb.uri = mongo.uri
        return common
    }

    func producer() throws -> KafkaProducer {
        try KafkaProducer(configuration: KafkaProducerConfiguration(bootstrapServers: kafka.bootstrapServers), logger: testLogger)
    }

    func database() throws -> (MongoClient, MongoDatabase) {
        let client = try MongoClient(configuration: MongoClientConfiguration(uri: mongo.uri, serverSelectionTimeout: .seconds(5)),
                                     logger: testLogger)
        return (client, client.database(Collections.database))
    }
}

/// The gateway running in this process until `stop()`.
final class RunningGateway: Sendable {
    let service: RunningService
    let gateway: Gateway
    let baseURL: String

    static func start(_ servers: Servers, environment: [String: String] = [:],
                      configure: (inout APIGatewayConfiguration) -> Void = { _ in }) async throws -> RunningGateway {
        var configuration = APIGatewayConfiguration()
        configuration.rateLimit.burst = 100_000
        configuration.rateLimit.requestsPerSecond = 100_000
        configuration.commands.ackTimeoutMs = 10_000
        configuration.alarmActions.resultTimeoutMs = 10_000
        configure(&configuration)
        let registry = MetricsRegistry()
        let readiness = Readiness(checks: Gateway.readinessChecks)
        let env = ["SCADA_API_TOKENS": TestTokens.environment, "SCADA_JWT_HS256_SECRET": TestTokens.hs256Secret].merging(environment) { $1 }
        let gateway = Gateway(common: servers.common, configuration: configuration, environment: env, registry: registry,
                              readiness: readiness, logger: testLogger)
        let service = try await RunningService.start(gateway, registry: registry, readiness: readiness, logger: testLogger,
                                                     readyWithin: .seconds(40))
        guard let port = gateway.port else { throw TestServerError("the gateway reported ready without a port") }
        return RunningGateway(service: service, gateway: gateway, baseURL: "http://\(Loopback.host):\(port)")
    }

    private init(service: RunningService, gateway: Gateway, baseURL: String) {
        self.service = service
        self.gateway = gateway
        self.baseURL = baseURL
    }

    func stop() async throws { try await service.stop() }

    /// A GET; the whole answer.
    func request(_ path: String, token: String? = TestTokens.viewer, headers: [(String, String)] = []) async throws -> Answer {
        try await request(.GET, path, token: token, headers: headers)
    }

    /// One request; the whole answer.
    func request(_ method: HTTPMethod, _ path: String, token: String? = TestTokens.viewer, headers: [(String, String)] = [],
                 json body: String? = nil) async throws -> Answer {
        var request = HTTPClientRequest(url: baseURL + path)
        request.method = method
        if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(string: body))
        }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(60))
        let bytes = try await response.body.collect(upTo: 64 << 20)
        return Answer(status: Int(response.status.code), headers: response.headers, body: Array(bytes.readableBytesView))
    }
}

/// An HTTP answer.
struct Answer: Sendable {
    let status: Int
    let headers: HTTPHeaders
    let body: [UInt8]

    var text: String { String(decoding: body, as: UTF8.self) }
    var contentType: String { headers.first(name: "Content-Type") ?? "" }
    /// The body as a JSON object (empty when it is not one).
    var object: [String: Any] { (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any] ?? [:] }
    var items: [[String: Any]] { object["items"] as? [[String: Any]] ?? [] }
    var isProblem: Bool { contentType.hasPrefix("application/problem+json") && (object["type"] as? String)?.hasPrefix("urn:scada:problem:") == true }
}

/// Polls `condition` until true or `timeout`.
func eventually(_ what: String, timeout: Duration = .seconds(30), _ condition: () async throws -> Bool) async throws {
    let deadline = ContinuousClock.now + timeout
    while try await !condition() {
        guard ContinuousClock.now < deadline else { throw TestServerError("timed out waiting for \(what)") }
        try await Task.sleep(for: .milliseconds(100))
    }
}

func send(_ records: [(topic: String, key: String?, value: [UInt8])], with producer: KafkaProducer,
          headers: [KafkaHeader] = []) async throws {
    let results = await producer.send(records.map { KafkaProducerRecord(topic: $0.topic, key: $0.key, value: $0.value, headers: headers) })
    for result in results { _ = try result.get() }
}

/// A telemetry record of `device`, one per second from `base`.
func sample(_ device: String, seq: Int64, base: Int64, topic: String = "factory/line1", metrics: [String: Double]? = nil) -> TelemetryRecord {
    TelemetryRecord(deviceId: device, deviceType: "manufacturing", site: "plant-1", line: "line1",
                    eventTime: base + seq * 1000, receiveTime: base + seq * 1000 + 5, seq: seq,
                    metrics: metrics ?? ["temperature": 20 + Double(seq % 10), "pressure": 1 + Double(seq % 3)],
                    states: ["status": .string("running")], sourceTopic: topic)
}

/// An alarm transition (AlertRecord v2) as the anomaly-detector writes it.
func alert(_ device: String, sequence: Int64, state: AlertRecord.State, transition: AlertRecord.Transition, at time: Int64,
           actions: [AlarmActionEntry] = []) -> AlertRecord {
    AlertRecord(alertId: AlertRecord.alarmID(device: device, rule: "temperature-limits", metric: "temperature"), deviceId: device,
                deviceType: "manufacturing", rule: "temperature-limits", detector: "limits", metric: "temperature", severity: .critical,
                priority: 1, state: state, transition: transition, acknowledged: state == .activeAcknowledged, value: 95, threshold: 80,
                message: "temperature 95 above 80", eventTime: time, raisedAt: time, sequence: sequence, actions: actions)
}

var nowMilliseconds: Int64 { Int64(Date().timeIntervalSince1970 * 1000) }

/// A value shared between tasks of a test.
final class Locked<Value: Sendable>: Sendable {
    private let mutex: Mutex<Value>
    init(_ value: Value) { mutex = Mutex(value) }
    func withLock<T>(_ body: (inout Value) -> T) -> T { mutex.withLock { body(&$0) } }
}
