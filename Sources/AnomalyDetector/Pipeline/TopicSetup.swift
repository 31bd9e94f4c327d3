import Logging
import SCADACore
import SCADAKafka

/// Makes sure the topics the detector writes exist, `scada.alarm-state` compacted with as many partitions
/// as `scada.telemetry` (co-partitioned), and learns the partitions of the topics every replica reads whole.
struct TopicSetup: Sendable {
    let brokers: String
    let extra: [String: String]
    let logger: Logger

    struct Topology: Sendable {
        var telemetryPartitions: Int32
        var actionPartitions: [Int32]
        var statusPartitions: [Int32]
    }

    func ensure() async throws -> Topology {
        let admin = try KafkaAdmin(bootstrapServers: brokers, logger: logger, extra: extra)
        do {
            let topology = try await ensure(admin)
            await admin.close()
            return topology
        } catch {
            await admin.close()
            throw error
        }
    }

    private func ensure(_ admin: KafkaAdmin) async throws -> Topology {
        var topics = try await listWithRetry(admin)
        let telemetry = Int32(topics[Topics.telemetry] ?? 0)
        var partitions = telemetry
        if partitions == 0 {
            partitions = 1
            try await admin.createTopic(Topics.telemetry, partitions: 1, ifNotExists: true)
        }
        try await admin.createTopic(Topics.alarmState, partitions: partitions,
                                    config: Topics.configuration(of: Topics.alarmState), ifNotExists: true)
        for topic in [Topics.alerts, Topics.alertActions, Topics.deviceStatus, Topics.analytics, Topics.deadLetter] where topics[topic] == nil {
            try await admin.createTopic(topic, partitions: 1, ifNotExists: true)
        }
        topics = try await listWithRetry(admin)
        let state = Int32(topics[Topics.alarmState] ?? 0)
        if state < partitions {
            throw AnomalyDetectorError("\(Topics.alarmState) has \(state) partitions but \(Topics.telemetry) has \(partitions): "
                                       + "the alarm state must be co-partitioned (recreate it with \(partitions) partitions)")
        }
        func numbers(_ topic: String) -> [Int32] { (0..<Int32(max(1, topics[topic] ?? 1))).map { $0 } }
        logger.info("topics ready", metadata: ["telemetry_partitions": "\(partitions)"])
        return Topology(telemetryPartitions: partitions, actionPartitions: numbers(Topics.alertActions),
                        statusPartitions: numbers(Topics.deviceStatus))
    }

    private func listWithRetry(_ admin: KafkaAdmin) async throws -> [String: Int] {
        var delay = 200
        while true {
            do {
                return Dictionary(try await admin.listTopics().map { ($0.name, $0.partitionCount) }, uniquingKeysWith: max)
            } catch {
                logger.warning("Kafka metadata not available yet; retrying", metadata: ["error": "\(error)", "in_ms": "\(delay)"])
                try await Task.sleep(for: .milliseconds(delay))
                delay = min(5_000, delay * 2)
            }
        }
    }
}

/// Readers of topics every replica reads whole (operator actions, device status), outside the group.
enum SideReaders {
    static func follow(topic: String, partitions: [Int32], brokers: String, extra: [String: String],
                       start: KafkaPartitionReader.Start, logger: Logger,
                       handle: (KafkaConsumerMessage) -> Void) async {
        let reader: KafkaPartitionReader
        do {
            reader = try KafkaPartitionReader(bootstrapServers: brokers, partitions: partitions.map { (topic, $0) }, start: start,
                                              clientID: "anomaly-detector-\(topic)", extra: extra, logger: logger)
        } catch {
            logger.error("cannot read \(topic)", metadata: ["error": "\(error)"])
            return
        }
        while !Task.isCancelled {
            do {
                for message in try await reader.poll(maxMessages: 1_000, timeout: .milliseconds(100)) { handle(message) }
            } catch {
                logger.warning("reading \(topic) failed", metadata: ["error": "\(error)"])
                try? await Task.sleep(for: .milliseconds(500))
            }
        }
        await reader.close()
    }
}
