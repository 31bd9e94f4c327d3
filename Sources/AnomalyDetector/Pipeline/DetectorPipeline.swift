import Foundation
import Logging
import SCADACore
import SCADAKafka
import SCADAMQTT
import SCADAOps
import ServiceLifecycle

/// The running anomaly-detector: restores the alarm state of the partitions it is given, evaluates
/// telemetry against the rules, applies operator actions and timers, publishes every transition, and
/// commits offsets only after the transitions they caused were acknowledged by Kafka.
public struct DetectorPipeline: Service {
    public let common: CommonConfiguration
    public let configuration: AnomalyDetectorConfiguration
    public let metrics: AnomalyDetectorMetrics
    public let readiness: Readiness
    public let logger: Logger

    public init(common: CommonConfiguration, configuration: AnomalyDetectorConfiguration, metrics: AnomalyDetectorMetrics,
                readiness: Readiness, logger: Logger) {
        self.common = common
        self.configuration = configuration
        self.metrics = metrics
        self.readiness = readiness
        self.logger = logger
    }

    public func run() async throws {
        let initialStamp = RulesWatcher.stamp(configuration.rulesFile)
        let rules = try RuleSet.load(path: configuration.rulesFile)
        logger.info("rules loaded", metadata: ["file": "\(configuration.rulesFile)", "rules": "\(rules.rules.count)"])
        let brokers = common.kafka.brokers, extra = common.kafka.properties
        let producer = try KafkaProducer(configuration: KafkaProducerConfiguration(
            bootstrapServers: brokers, clientID: "anomaly-detector", linger: .milliseconds(1), autoCreateTopics: false, extra: extra),
            logger: logger)
        let topology = try await TopicSetup(brokers: brokers, extra: extra, logger: logger).ensure()
        let admin = try KafkaAdmin(bootstrapServers: brokers, logger: logger, extra: extra)
        let topics = KafkaTopicKeeper(admin: admin, topics: Topics.layout(telemetryPartitions: topology.telemetryPartitions).map {
            KafkaTopicSpec(name: $0.name, partitions: $0.partitions, config: $0.config)
        }, logger: logger)
        let consumer = try KafkaConsumer(configuration: KafkaConsumerConfiguration(
            bootstrapServers: brokers, groupID: configuration.groupID, topics: [Topics.telemetry],
            sessionTimeout: .milliseconds(common.kafka.sessionTimeoutMs), maxPollRecords: configuration.maxPollRecords,
            clientID: "anomaly-detector", prefetchKilobytes: configuration.prefetchKilobytes, extra: extra), logger: logger)
        readiness.set("kafka", ready: true, detail: "consuming as \(configuration.groupID)")
        let mqtt = try await connectMQTT(url: common.mqtt.url, suffix: "", enabled: configuration.alerts.mqttEnabled)
        let analyticsURL = configuration.analytics.brokerURL.isEmpty ? common.mqtt.url : configuration.analytics.brokerURL
        let cloud = configuration.analytics.enabled
            ? (analyticsURL == common.mqtt.url && mqtt != nil ? mqtt : try await connectMQTT(url: analyticsURL, suffix: "-cloud", enabled: true))
            : nil
        let webhooks = configuration.webhooks.urls.isEmpty ? nil
            : WebhookSender(settings: configuration.webhooks, metrics: metrics, logger: logger)
        let publisher = AlarmPublisher(producer: producer, mqtt: mqtt, topicPrefix: configuration.alerts.topicPrefix,
                                       alertsTopic: Topics.alerts, stateTopic: Topics.alarmState, webhooks: webhooks,
                                       metrics: metrics, logger: logger)
        let restorer = StateRestorer(producer: producer, bootstrapServers: brokers, topic: Topics.alarmState, extra: extra,
                                     timeout: .seconds(configuration.restoreTimeoutSeconds), logger: logger)
        let inbox = Inbox()
        let stopping = StopFlag()
        let loop = DetectorLoop(configuration: configuration, metrics: metrics, readiness: readiness, logger: logger,
                                consumer: consumer, producer: producer, publisher: publisher, restorer: restorer,
                                analytics: cloud, inbox: inbox, stopping: stopping,
                                rules: CompiledRules(rules, version: 1))
        try await withGracefulShutdownHandler {
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { await Self.forwardEvents(consumer, inbox: inbox) }
                group.addTask {
                    await SideReaders.follow(topic: Topics.alertActions, partitions: topology.actionPartitions, brokers: brokers,
                                             extra: extra, start: .beginning, logger: logger) { message in
                        guard let action = try? AlarmAction(jsonBytes: message.value) else {
                            logger.warning("unreadable alarm action skipped", metadata: ["offset": "\(message.offset)"])
                            return
                        }
                        inbox.update { $0.actions.append(action) }
                    }
                }
                group.addTask {
                    await SideReaders.follow(topic: Topics.deviceStatus, partitions: topology.statusPartitions, brokers: brokers,
                                             extra: extra, start: .end, logger: logger) { message in
                        guard let status = try? DeviceStatusRecord(jsonBytes: message.value) else { return }
                        inbox.update { $0.statuses.append(status) }
                    }
                }
                group.addTask {
                    await RulesWatcher(path: configuration.rulesFile, interval: .milliseconds(configuration.rulesReloadIntervalMs),
                                       logger: logger).run(initialStamp: initialStamp, accept: { rules in
                        metrics.rulesReloads.increment()
                        inbox.update { $0.rules = rules }
                    }, reject: { _ in metrics.rulesRejected.increment() })
                }
                if let webhooks { group.addTask { await webhooks.run() } }
                // A broker that lost its topics (restarted on memory storage) gets them back with their layout.
                group.addTask { await topics.run() }
                try await loop.run()
                webhooks?.finish()
                group.cancelAll()
            }
        } onGracefulShutdown: {
            stopping.set()
        }
        await consumer.close()
        await producer.shutdown(timeout: .seconds(10))
        await admin.close()
        await mqtt?.disconnect()
        if cloud !== mqtt { await cloud?.disconnect() }
        logger.info("stopped")
    }

    private func connectMQTT(url: String, suffix: String, enabled: Bool) async throws -> MQTTClient? {
        guard enabled else { return nil }
        let id = configuration.alerts.clientID.isEmpty
            ? "anomaly-detector-\(ProcessInfo.processInfo.hostName)-\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString.prefix(6))"
            : configuration.alerts.clientID
        let client = try MQTTClient(configuration: MQTTConfiguration(url: url, clientID: id + suffix), logger: logger)
        try await client.connect()
        return client
    }

    /// Hands group assignments and revocations to the main loop.
    private static func forwardEvents(_ consumer: KafkaConsumer, inbox: Inbox) async {
        for await event in consumer.events {
            switch event {
            case .assigned(let partitions):
                let numbers = partitions.filter { $0.topic == Topics.telemetry }.map(\.partition)
                inbox.update { $0.assigned += numbers; $0.revoked.removeAll { numbers.contains($0) } }
            case .revoked(let partitions):
                let numbers = partitions.filter { $0.topic == Topics.telemetry }.map(\.partition)
                inbox.update { $0.revoked += numbers; $0.assigned.removeAll { numbers.contains($0) } }
            case .error:
                break
            }
            if Task.isCancelled { return }
        }
    }
}
