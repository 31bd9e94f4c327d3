import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import SCADAKafka
import SCADAMongo
import SCADAMQTT
import SCADAOps
import Testing
@testable import APIGateway

/// The HMI's static files (no token needed, right content types, ETag revalidation, a strict CSP) and
/// `GET /api/v1/me`. The router is the real one; its clients are never connected.
struct HMIRoutesTests {
    @Test func staticFilesAndWhoAmI() async throws {
        let app = Application(router: try Self.router(), configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await app.test(.live) { client in
            let index = try await client.execute(uri: "/", method: .get)
            #expect(index.status == .ok)
            #expect(index.headers[.contentType] == "text/html; charset=utf-8")
            #expect(index.headers[.cacheControl] == "no-cache")
            #expect(index.headers[.contentSecurityPolicy]?.contains("default-src 'self'") == true)
            #expect(String(buffer: index.body).contains("<script src=\"/hmi/app.js\" defer></script>"))
            let etag = try #require(index.headers[.eTag])
            let again = try await client.execute(uri: "/", method: .get, headers: [.ifNoneMatch: etag])
            #expect(again.status == .notModified && again.body.readableBytes == 0)
            for (file, type) in [("app.js", "text/javascript; charset=utf-8"), ("chart.js", "text/javascript; charset=utf-8"),
                                 ("style.css", "text/css; charset=utf-8"), ("icon.svg", "image/svg+xml")] {
                let answer = try await client.execute(uri: "/hmi/\(file)", method: .get)
                #expect(answer.status == .ok && answer.headers[.contentType] == type, "\(file)")
                #expect(answer.headers[.xContentTypeOptions] == "nosniff")
            }
            let missing = try await client.execute(uri: "/hmi/nothing.js", method: .get)
            #expect(missing.status == .notFound && missing.headers[.contentType] == "application/problem+json")

            let anonymous = try await client.execute(uri: "/api/v1/me", method: .get)
            #expect(anonymous.status == .unauthorized)
            let me = try await client.execute(uri: "/api/v1/me", method: .get, headers: [.authorization: "Bearer hmi-operator-0001"])
            #expect(me.status == .ok)
            #expect(String(buffer: me.body) == #"{"subject":"api-token-2","role":"operator","method":"token"}"#)
        }
    }

    @Test func contentTypesAndEntityTags() {
        #expect(HMIAssets.contentType(of: "index.html") == "text/html; charset=utf-8")
        #expect(HMIAssets.contentType(of: "notes.txt") == nil)
        #expect(HMIAssets.etag(of: Data("a".utf8)) != HMIAssets.etag(of: Data("b".utf8)))
        #expect(HMIAssets.etag(of: Data("a".utf8)).hasPrefix("\""))
    }

    static func router() throws -> Router<GatewayContext> {
        var logger = Logger(label: "hmi-test")
        logger.logLevel = .critical
        let mongo = try MongoClient(configuration: MongoClientConfiguration(uri: "mongodb://127.0.0.1:9"), logger: logger)
        let mqtt = try MQTTClient(configuration: MQTTConfiguration(url: "mqtt://127.0.0.1:9", clientID: "hmi-test"), logger: logger)
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
        return GatewayRouter.build(state: state, tokens: try TokenTable(parsing: "hmi-viewer-00001=viewer,hmi-operator-0001=operator"),
                                   jwt: JWTVerifier.disabled, readiness: Readiness(), registry: registry)
    }
}
