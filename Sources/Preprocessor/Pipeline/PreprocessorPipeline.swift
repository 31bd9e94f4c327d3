import Foundation
import Logging
import SCADACore
import SCADAKafka
import SCADAMQTT
import SCADAOps
import ServiceLifecycle

/// The running preprocessor: MQTT client, Kafka producer and the bridge between them, as a
/// ServiceLifecycle service. On graceful shutdown it disconnects from MQTT, hands every message
/// already received to Kafka, and flushes until Kafka acknowledged them.
public struct PreprocessorPipeline: Service {
    public let common: CommonConfiguration
    public let configuration: PreprocessorConfiguration
    public let metrics: PreprocessorMetrics
    public let readiness: Readiness
    public let logger: Logger

    public init(common: CommonConfiguration, configuration: PreprocessorConfiguration, metrics: PreprocessorMetrics,
                readiness: Readiness, logger: Logger) {
        self.common = common
        self.configuration = configuration
        self.metrics = metrics
        self.readiness = readiness
        self.logger = logger
    }

    public func run() async throws {
        let normaliser = try Normaliser(configuration: configuration)
        let producer = try KafkaProducer(configuration: producerConfiguration(), logger: logger)
        let admin = try KafkaAdmin(bootstrapServers: common.kafka.brokers, logger: logger, extra: common.kafka.properties)
        let topics = KafkaTopicKeeper(admin: admin, topics: Topics.layout().map {
            KafkaTopicSpec(name: $0.name, partitions: $0.partitions, config: $0.config)
        }, logger: logger)
        let output = KafkaOutput(producer: producer, metrics: metrics, logger: logger,
                                 maxInFlight: configuration.output.maxInFlight,
                                 deadLetterMaxBytes: configuration.output.deadLetterMaxBytes)
        let mqttSettings = try mqttConfiguration()
        let mqtt = try MQTTClient(configuration: mqttSettings, logger: logger)
        let bridge = Bridge(normaliser: normaliser, output: output, metrics: metrics,
                            batchSize: configuration.input.batchSize,
                            intakeLinger: .microseconds(configuration.input.lingerMicroseconds), logger: logger)
        let presence = presenceTopic(clientID: mqttSettings.clientID)
        let takeover = presence.map { _ in
            PeerTakeover(selfID: mqttSettings.clientID, group: configuration.input.sharedGroup, filters: subscriptionFilters(),
                         base: mqttSettings, grace: .seconds(configuration.input.takeover.graceSeconds),
                         quiet: .milliseconds(configuration.input.takeover.quietMilliseconds), bridge: bridge,
                         metrics: metrics, logger: logger)
        }

        // The bridge and the health watcher are child tasks: shutdown waits for both. Only the watcher is
        // cancelled on a graceful stop; the bridge ends by itself after the last received message.
        await withTaskGroup(of: Void.self) { pipeline in
            pipeline.addTask { await bridge.run(mqtt) }
            pipeline.addTask {
                // Connection losses, counted (a Kafka outage must not cause any). Ends with the client.
                for await event in mqtt.events {
                    if case .disconnected(let reason) = event, reason != "disconnected by the client" {
                        metrics.mqttDisconnects.increment()
                    }
                    // Announced on every (re)connect: the will said `offline` if the connection was lost.
                    if case .connected = event, let presence {
                        try? await mqtt.publish(topic: presence, payload: Array("online".utf8), retain: true)
                    }
                    if case .disconnected(reason: "disconnected by the client") = event { break }
                }
            }
            await withTaskGroup(of: Void.self) { watcher in
                watcher.addTask { await watchHealth(mqtt: mqtt, output: output) }
                // A broker that lost its topics (restarted on memory storage) gets them back with their layout.
                watcher.addTask { await topics.run() }
                if let takeover { watcher.addTask { await takeover.run() } }
                do {
                    try await connectAndSubscribe(mqtt)
                    try? await gracefulShutdown()
                } catch {
                    logger.error("could not subscribe", metadata: ["error": "\(error)"])
                }
                watcher.cancelAll()
            }
            logger.info("shutting down: draining received messages into Kafka")
            readiness.set("mqtt", ready: false, detail: "shutting down")
            if !configuration.input.sharedGroup.isEmpty {
                // A replica that goes away (rollout, scale-down) must not keep receiving its share of the
                // group at the broker: leave the group; the other replicas take over at once.
                for filter in subscriptionFilters() { try? await mqtt.unsubscribe(filter) }
                // Left on purpose (not dead): nothing for the peers to take over.
                if let presence { try? await mqtt.publish(topic: presence, payload: Array("left".utf8), retain: true) }
            }
            // Stops reading, writes the acknowledgement of every message read, then DISCONNECT; the
            // bridge ends once it has handed the last received message to Kafka.
            await mqtt.disconnect()
            await pipeline.waitForAll()
        }
        await output.flush(timeout: .seconds(configuration.output.flushTimeoutSeconds))
        await producer.shutdown(timeout: .seconds(5))
        await admin.close()
        logger.info("stopped", metadata: ["in_flight_left": "\(output.inFlight)"])
    }

    /// Connects (retrying in the background until the broker answers) and subscribes.
    func connectAndSubscribe(_ mqtt: MQTTClient) async throws {
        var attempt = 0
        while !Task.isCancelled {
            do {
                try await mqtt.connect()
                break
            } catch {
                attempt += 1
                if attempt == 1 || attempt % 10 == 0 {
                    logger.warning("MQTT broker not reachable yet; retrying", metadata: ["error": "\(error)"])
                }
                try await Task.sleep(for: .seconds(1))
            }
        }
        let qos = MQTTQoS(rawValue: configuration.input.qos) ?? .atLeastOnce
        let filters = subscriptionFilters()
        try await mqtt.subscribe(filters.map { ($0, qos) })
        logger.info("subscribed", metadata: ["filters": "\(filters)", "client_id": "\(mqtt.configuration.clientID)"])
    }

    /// Where this replica announces itself to its peers, when dead replicas' sessions are taken over.
    func presenceTopic(clientID: String) -> String? {
        let input = configuration.input
        guard input.takeover.enabled, !input.sharedGroup.isEmpty, input.persistentSession,
              PeerTakeover.canAnnounce(input.sharedGroup), PeerTakeover.canAnnounce(clientID) else { return nil }
        return PeerTakeover.presenceTopic(group: input.sharedGroup, clientID: clientID)
    }

    /// The subscribed filters: `$share/<group>/<topic>` when replicas share the load.
    func subscriptionFilters() -> [String] {
        configuration.input.topics.map { topic in
            configuration.input.sharedGroup.isEmpty ? topic : "$share/\(configuration.input.sharedGroup)/\(topic)"
        }
    }

    /// Keeps `/readyz` true to the MQTT connection and to Kafka acknowledging what it is given.
    func watchHealth(mqtt: MQTTClient, output: KafkaOutput) async {
        while !Task.isCancelled {
            let connected = mqtt.isConnected
            readiness.set("mqtt", ready: connected, detail: connected ? "connected" : "reconnecting")
            let waiting = output.inFlight
            let silentFor = Clock.milliseconds() - output.lastAcknowledgedAt
            let kafkaOK = waiting == 0 || silentFor < 10_000
            readiness.set("kafka", ready: kafkaOK,
                          detail: kafkaOK ? "acknowledging (\(waiting) in flight)" : "no acknowledgement for \(silentFor / 1000) s, \(waiting) waiting")
            metrics.inFlight.record(waiting)
            metrics.bufferDepth.record(mqtt.bufferedMessageCount)
            try? await Task.sleep(for: .milliseconds(500))
        }
    }

    func producerConfiguration() -> KafkaProducerConfiguration {
        KafkaProducerConfiguration(
            bootstrapServers: common.kafka.brokers,
            clientID: "preprocessor",
            linger: .milliseconds(configuration.output.lingerMs),
            compression: KafkaCompression(named: configuration.output.compression) ?? .lz4,
            messageTimeout: configuration.output.messageTimeoutMs > 0 ? .milliseconds(configuration.output.messageTimeoutMs) : nil,
            queueBufferingMaxMessages: configuration.output.maxInFlight + 10_000,
            autoCreateTopics: false,
            extra: common.kafka.properties)
    }

    func mqttConfiguration() throws -> MQTTConfiguration {
        let clientID = configuration.input.clientID.isEmpty
            ? "preprocessor-\(ProcessInfo.processInfo.hostName)" : configuration.input.clientID
        var mqtt = try MQTTConfiguration(url: common.mqtt.url, clientID: clientID)
        mqtt.cleanSession = !configuration.input.persistentSession
        mqtt.receiveBufferCapacity = configuration.input.bufferMessages
        mqtt.keepAlive = configuration.input.keepAliveSeconds
        mqtt.acknowledgement = configuration.input.acknowledge == .afterKafka ? .afterProcessing : .onReceipt
        mqtt.processingDrainTimeout = .seconds(max(1, configuration.output.flushTimeoutSeconds))
        if let presence = presenceTopic(clientID: clientID) {
            mqtt.will = MQTTMessage(topic: presence, string: "offline", retain: true)
        }
        return mqtt
    }
}
