import ArgumentParser
import SCADACore
import SCADAOps

/// The anomaly-detector service: alarm rules over the telemetry stream, ISA-18.2 alarm lifecycle,
/// alarm subscription on Kafka and MQTT, plant KPIs, and `replay` of history against new rules.
public enum AnomalyDetectorService {
    public static let name = "anomaly-detector"
    /// Default health/metrics port when neither the config file nor SCADA_HTTP_PORT sets one.
    public static let defaultHTTPPort = 8083

    /// Entry point of the `anomaly-detector` executable.
    public static func main() async {
        await AnomalyDetectorCommand.main()
    }

    /// Runs the live service until SIGTERM (the default subcommand).
    static func runService() async throws {
        try await ServiceRunner.main(service: name, defaultHTTPPort: defaultHTTPPort, readinessChecks: ["kafka", "state"]) { context in
            let configuration = try context.loader.section("anomalyDetector", defaults: AnomalyDetectorConfiguration())
            try configuration.validate()
            return DetectorPipeline(common: context.common, configuration: configuration,
                                    metrics: AnomalyDetectorMetrics(factory: context.metrics.factory),
                                    readiness: context.readiness, logger: context.logger)
        }
    }
}

/// `anomaly-detector [run]` and `anomaly-detector replay`.
struct AnomalyDetectorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "anomaly-detector",
        abstract: "Alarm rules over the SCADA telemetry stream (ISA-18.2 lifecycle, Kafka and MQTT subscription, KPIs).",
        discussion: """
        Configuration: SCADA_CONFIG (YAML with the kafka/mqtt/http/log sections and `anomalyDetector:`); \
        SCADA_KAFKA_BROKERS, SCADA_MQTT_URL, SCADA_HTTP_PORT and SCADA_LOG_LEVEL override it. \
        See configmaps/anomaly-detector.yaml and docs/anomaly-detector.md.
        """,
        subcommands: [RunCommand.self, ReplayCommand.self, BenchCommand.self],
        defaultSubcommand: RunCommand.self)
}

/// `anomaly-detector run`: the live service.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "run", abstract: "Run the live service (the default).")

    @Flag(name: .customLong("print-config-schema"),
          help: "Print the configuration this service reads (sections, defaults, variables, port) as JSON, and exit.")
    var printConfigSchema = false

    func run() async throws {
        try await AnomalyDetectorService.runService()
    }
}
