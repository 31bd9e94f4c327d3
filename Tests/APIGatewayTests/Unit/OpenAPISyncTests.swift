import Foundation
import Hummingbird
import Logging
import SCADACore
import SCADAKafka
import SCADAMongo
import SCADAMQTT
import SCADAOps
import Testing
@testable import APIGateway

/// The hand-written OpenAPI document and the router stay in step: every route is documented and every documented
/// operation is routed. (Builds the real router; the clients it holds are never connected.)
struct OpenAPISyncTests {
    @Test func everyRouteIsInTheSpecAndViceVersa() throws {
        let router = try Self.router()
        let routed = Set(router.routes.map { "\($0.method.rawValue) \($0.path.description)" })
        let spec = try #require(try JSONSerialization.jsonObject(with: Data(OpenAPISpec.json.utf8)) as? [String: Any])
        #expect(spec["openapi"] as? String == "3.1.0")
        let paths = try #require(spec["paths"] as? [String: [String: Any]])
        var documented = Set<String>()
        for (path, operations) in paths {
            for method in operations.keys where ["get", "post", "put", "patch", "delete"].contains(method) {
                documented.insert("\(method.uppercased()) \(path)")
            }
        }
        #expect(routed.subtracting(documented).isEmpty, "routes missing from the spec: \(routed.subtracting(documented).sorted())")
        #expect(documented.subtracting(routed).isEmpty, "spec paths without a route: \(documented.subtracting(routed).sorted())")
        // Every operation declares the problem answer and an operationId; every $ref resolves.
        for (path, operations) in paths {
            for (method, value) in operations {
                let operation = try #require(value as? [String: Any])
                #expect((operation["responses"] as? [String: Any])?["default"] != nil, "\(method) \(path)")
                #expect(operation["operationId"] is String, "\(method) \(path)")
            }
        }
        let components = try #require(spec["components"] as? [String: [String: Any]])
        let references = OpenAPISpec.json.matches(of: /"\$ref": "#\/components\/(\w+)\/(\w+)"/)
        for reference in references {
            #expect(components[String(reference.1)]?[String(reference.2)] != nil, "\(reference.0)")
        }
        // Every problem kind has a stable type.
        #expect(Set(Problem.Kind.allCases.map(\.type)).count == Problem.Kind.allCases.count)
    }

    static func router() throws -> Router<GatewayContext> {
        var logger = Logger(label: "openapi-test")
        logger.logLevel = .critical
        let mongo = try MongoClient(configuration: MongoClientConfiguration(uri: "mongodb://127.0.0.1:9"), logger: logger)
        let mqtt = try MQTTClient(configuration: MQTTConfiguration(url: "mqtt://127.0.0.1:9", clientID: "openapi-test"), logger: logger)
        let producer = try KafkaProducer(configuration: KafkaProducerConfiguration(bootstrapServers: "127.0.0.1:9"), logger: logger)
        let registry = MetricsRegistry()
        let metrics = GatewayMetrics(factory: registry.factory)
        let hub = EventHub(name: "t", epoch: "e", replayCapacity: 1, bufferCapacity: 1, maxClients: 1)
        let database = mongo.database("scada")
        let state = GatewayState(configuration: APIGatewayConfiguration(), database: database, latest: LatestView(),
                                 alarms: AlarmView(hub: hub), analytics: AnalyticsView(), deadLetters: DeadLetterRing(capacity: 1, previewBytes: 1),
                                 telemetryHub: hub,
                                 commands: CommandDispatcher(mqtt: mqtt, collection: database.collection("commands"), metrics: metrics, logger: logger),
                                 producer: producer, metrics: metrics, logger: logger)
        return GatewayRouter.build(state: state, tokens: try TokenTable(parsing: ""), jwt: JWTVerifier.disabled, readiness: Readiness(),
                                   registry: registry)
    }
}
