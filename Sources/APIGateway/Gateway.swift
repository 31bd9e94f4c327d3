import Foundation
import Hummingbird
import HummingbirdWebSocket
import Logging
import SCADACore
import SCADAKafka
import SCADAMongo
import SCADAMQTT
import SCADAOps
import ServiceLifecycle
import Synchronization

/// The running api-gateway: the HTTP server (ops routes, REST, SSE, WebSocket) over in-memory views fed from
/// Kafka, MongoDB queries, MQTT commands and Kafka alarm actions. Everything starts at once; `/readyz` turns
/// ready when the server listens, Kafka has assigned the live topics, MongoDB answered and the views are warm.
public struct Gateway: Service {
    public static let readinessChecks = ["http", "kafka", "mongodb", "mqtt", "views"]

    public let common: CommonConfiguration
    public let configuration: APIGatewayConfiguration
    public let environment: [String: String]
    public let registry: MetricsRegistry
    public let readiness: Readiness
    public let logger: Logger
    /// The port the server listens on (useful with port 0), once it does.
    let boundPort = PortBox()
    let instanceID: String

    public init(common: CommonConfiguration, configuration: APIGatewayConfiguration, environment: [String: String],
                registry: MetricsRegistry, readiness: Readiness, logger: Logger) {
        self.common = common
        self.configuration = configuration
        self.environment = environment
        self.registry = registry
        self.readiness = readiness
        self.logger = logger
        instanceID = String(UUID().uuidString.lowercased().prefix(8))
    }

    public var port: Int? { boundPort.value }

    public func run() async throws {
        let auth = configuration.auth
        let tokens = try TokenTable(parsing: environment[auth.tokensEnv] ?? "")
        let jwt = try await JWTVerifier(hs256Secret: environment[auth.jwtHS256SecretEnv], rs256PublicKeyPEM: environment[auth.jwtRS256PublicKeyEnv],
                                        audience: auth.jwtAudience, issuer: auth.jwtIssuer, roleClaim: auth.jwtRoleClaim,
                                        leewaySeconds: auth.jwtLeewaySeconds)
        if tokens.isEmpty && !jwt.isEnabled {
            logger.warning("no API tokens and no JWT keys configured: every API route will answer 401", metadata: ["env": "\(auth.tokensEnv)"])
        }
        let mongo = try MongoClient(configuration: MongoClientConfiguration(uri: common.mongodb.uri, appName: "api-gateway",
                                                                            serverSelectionTimeout: .seconds(5)), logger: logger)
        let database = mongo.database(common.mongodb.database)
        let mqtt = try MQTTClient(configuration: MQTTConfiguration(url: common.mqtt.url, clientID: "api-gateway-\(instanceID)"), logger: logger)
        let producer = try KafkaProducer(configuration: KafkaProducerConfiguration(
            bootstrapServers: common.kafka.brokers, clientID: "api-gateway", autoCreateTopics: false, extra: common.kafka.properties),
            logger: logger)
        let liveConsumer = try consumer("live", topics: [Topics.telemetry, Topics.deviceStatus], reset: .latest)
        let stateConsumer = try consumer("state", topics: [Topics.alarmState, Topics.alerts, Topics.analytics, Topics.deadLetter],
                                         reset: .earliest)

        let metrics = GatewayMetrics(factory: registry.factory)
        let live = configuration.live
        let epoch = String(Int64(Date().timeIntervalSince1970 * 1000), radix: 36)
        let alarmsHub = EventHub(name: "alerts", epoch: epoch, replayCapacity: live.replayLogSize,
                                 bufferCapacity: live.clientBufferEvents, maxClients: live.maxClients)
        let telemetryHub = EventHub(name: "telemetry", epoch: epoch, replayCapacity: 0,
                                    bufferCapacity: live.clientBufferEvents, maxClients: live.maxClients)
        let state = GatewayState(
            configuration: configuration, database: database, latest: LatestView(), alarms: AlarmView(hub: alarmsHub),
            analytics: AnalyticsView(),
            deadLetters: DeadLetterRing(capacity: configuration.deadLetters.ringSize, previewBytes: configuration.deadLetters.payloadPreviewBytes),
            telemetryHub: telemetryHub,
            commands: CommandDispatcher(mqtt: mqtt, collection: database.collection(Collections.commands), metrics: metrics, logger: logger),
            producer: producer, metrics: metrics, logger: logger)
        let feeder = ViewFeeder(latest: state.latest, alarms: state.alarms, analytics: state.analytics, deadLetters: state.deadLetters,
                                telemetryHub: telemetryHub, metrics: metrics, logger: logger)
        let router = GatewayRouter.build(state: state, tokens: tokens, jwt: jwt, readiness: readiness, registry: registry)
        let readiness = self.readiness
        let boundPort = self.boundPort
        let app = Application(
            router: router, server: .http1WebSocketUpgrade(webSocketRouter: router),
            configuration: .init(address: .hostname(common.http.host, port: common.http.port), serverName: "api-gateway"),
            onServerRunning: { channel in
                boundPort.value = channel.localAddress?.port
                readiness.set("http", ready: true, detail: "listening on \(channel.localAddress?.port ?? 0)")
            },
            logger: logger)

        try await withGracefulShutdownHandler {
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await app.run() }
                group.addTask {
                    await cancelWhenGracefulShutdown {
                        await withTaskGroup(of: Void.self) { loops in
                            loops.addTask { await watchAssignment(liveConsumer) }
                            loops.addTask { await consume(liveConsumer, feeder: feeder) }
                            loops.addTask { await consume(stateConsumer, feeder: feeder) }
                            loops.addTask { await warm(feeder: feeder, database: database, mongo: mongo) }
                            loops.addTask { await runMQTT(mqtt, commands: state.commands) }
                            loops.addTask { await heartbeat([alarmsHub, telemetryHub]) }
                        }
                    }
                }
                try await group.waitForAll()
            }
        } onGracefulShutdown: {
            alarmsHub.closeAll()
            telemetryHub.closeAll()
        }
        await liveConsumer.close()
        await stateConsumer.close()
        await mqtt.disconnect()
        await producer.shutdown(timeout: .seconds(5))
        mongo.close()
        logger.info("stopped")
    }

    private func consumer(_ role: String, topics: [String], reset: KafkaOffsetReset) throws -> KafkaConsumer {
        try KafkaConsumer(configuration: KafkaConsumerConfiguration(
            bootstrapServers: common.kafka.brokers, groupID: "\(configuration.groupIDPrefix)-\(instanceID)-\(role)", topics: topics,
            sessionTimeout: .milliseconds(common.kafka.sessionTimeoutMs), autoOffsetReset: reset, maxPollRecords: 1_000,
            clientID: "api-gateway-\(role)", extra: common.kafka.properties), logger: logger)
    }

    /// `kafka` is ready once the live topics are assigned (records after that reach the views).
    private func watchAssignment(_ consumer: KafkaConsumer) async {
        for await event in consumer.events {
            switch event {
            case .assigned(let partitions): readiness.set("kafka", ready: true, detail: "\(partitions.count) live partitions assigned")
            case .revoked: readiness.set("kafka", ready: false, detail: "rebalancing")
            case .error(let error): logger.debug("Kafka consumer error", metadata: ["error": "\(error)"])
            }
            if Task.isCancelled { return }
        }
    }

    private func consume(_ consumer: KafkaConsumer, feeder: ViewFeeder) async {
        while !Task.isCancelled {
            do {
                for message in try await consumer.poll(maxMessages: 1_000, timeout: .milliseconds(250)) { feeder.apply(message) }
            } catch {
                if Task.isCancelled { return }
                logger.warning("Kafka poll failed", metadata: ["error": "\(error)"])
                try? await Task.sleep(for: .seconds(1))
            }
        }
    }

    /// Warms the latest view from MongoDB, retrying while it is unreachable.
    private func warm(feeder: ViewFeeder, database: MongoDatabase, mongo: MongoClient) async {
        var delay = Duration.milliseconds(200)
        while !Task.isCancelled {
            do {
                try await mongo.ping()
                readiness.set("mongodb", ready: true, detail: "answering")
                let count = try await feeder.warm(database)
                readiness.set("views", ready: true, detail: "warmed with \(count) devices")
                logger.info("views warmed", metadata: ["devices": "\(count)"])
                return
            } catch {
                readiness.set("mongodb", ready: false, detail: "\(error.kind)")
                logger.warning("MongoDB not reachable yet; retrying", metadata: ["error": "\(error)"])
                try? await Task.sleep(for: delay)
                delay = min(.seconds(10), delay * 2)
            }
        }
    }

    /// Connects to the broker (retrying) and hands command acks to the dispatcher.
    private func runMQTT(_ mqtt: MQTTClient, commands: CommandDispatcher) async {
        var delay = Duration.milliseconds(200)
        while !Task.isCancelled {
            do {
                try await mqtt.connect()
                break
            } catch {
                readiness.set("mqtt", ready: false, detail: "\(error)")
                try? await Task.sleep(for: delay)
                delay = min(.seconds(10), delay * 2)
            }
        }
        readiness.set("mqtt", ready: true, detail: "connected")
        // The message sequence ends when this task is cancelled (graceful shutdown).
        for await message in mqtt.messages where message.topic.hasSuffix("/commands/ack") {
            await commands.handleAck(message)
        }
    }

    private func heartbeat(_ hubs: [EventHub]) async {
        while !Task.isCancelled {
            try? await Task.sleep(for: .seconds(configuration.live.heartbeatSeconds))
            for hub in hubs { hub.heartbeat() }
        }
    }
}

/// The server's port once it listens.
final class PortBox: Sendable {
    private let port = Mutex<Int?>(nil)
    var value: Int? {
        get { port.withLock { $0 } }
        set { port.withLock { $0 = newValue } }
    }
}
