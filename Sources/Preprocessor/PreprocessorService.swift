import SCADAOps

/// The preprocessor service: MQTT → Kafka with validation, decoding, normalisation and dead letters.
public enum PreprocessorService {
    public static let name = "preprocessor"
    /// Default health/metrics port when neither the config file nor SCADA_HTTP_PORT sets one.
    public static let defaultHTTPPort = 8081

    /// Entry point of the `preprocessor` executable: loads the configuration and runs until SIGTERM.
    public static func main() async throws {
        try await ServiceRunner.main(service: name, defaultHTTPPort: defaultHTTPPort, readinessChecks: ["mqtt", "kafka"],
                                     metrics: MetricsRegistry(latencyBuckets: PreprocessorMetrics.latencyBuckets)) { context in
            let configuration = try context.loader.section("preprocessor", defaults: PreprocessorConfiguration())
            try configuration.validate()
            return PreprocessorPipeline(common: context.common, configuration: configuration,
                                        metrics: PreprocessorMetrics(factory: context.metrics.factory),
                                        readiness: context.readiness, logger: context.logger)
        }
    }
}
