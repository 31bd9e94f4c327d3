import ArgumentParser
import Foundation
import Logging
import SCADACore
import SCADAKafka

/// `scadactl topics create|list`: the platform's Kafka topics.
struct TopicsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "topics", abstract: "Create or list the platform's Kafka topics.",
        subcommands: [Create.self, List.self])

    struct Options: ParsableArguments {
        @Option(help: "Kafka bootstrap servers (default: SCADA_KAFKA_BROKERS, then the config file, then localhost:9092).")
        var brokers: String?

        func resolvedBrokers() throws -> String {
            if let brokers { return brokers }
            return try ConfigurationLoader.fromEnvironment().common(defaultHTTPPort: 0).kafka.brokers
        }
    }

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create every platform topic that does not exist yet.")
        @OptionGroup var options: Options
        @Option(help: "Partitions for scada.telemetry and scada.alarm-state (co-partitioned; per-device order is kept by keying on the device id).")
        var telemetryPartitions: Int32 = Topics.defaultTelemetryPartitions
        @Option(help: "Partitions for the other topics.")
        var partitions: Int32 = Topics.defaultPartitions

        func run() async throws {
            let admin = try KafkaAdmin(bootstrapServers: try options.resolvedBrokers(), logger: Logger(label: "scadactl"))
            let existing = Set(try await admin.listTopics().map(\.name))
            for topic in Topics.layout(telemetryPartitions: telemetryPartitions, others: partitions) {
                if existing.contains(topic.name) {
                    print("exists   \(topic.name)")
                    continue
                }
                try await admin.createTopic(topic.name, partitions: topic.partitions, config: topic.config)
                print("created  \(topic.name) (\(topic.partitions) partitions)")
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List topics and their partition counts.")
        @OptionGroup var options: Options

        func run() async throws {
            let admin = try KafkaAdmin(bootstrapServers: try options.resolvedBrokers(), logger: Logger(label: "scadactl"))
            for topic in try await admin.listTopics().sorted(by: { $0.name < $1.name }) {
                print("\(topic.name)\t\(topic.partitionCount)")
            }
        }
    }
}
