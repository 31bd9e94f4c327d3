import Hummingbird
import Logging
import SCADACore
import SCADAOps

/// The preprocessor service: MQTT → Kafka with validation, decoding, normalisation and dead letters.
public enum PreprocessorService {
    public static let name = "preprocessor"
    /// Default health/metrics port when neither the config file nor SCADA_HTTP_PORT sets one.
    public static let defaultHTTPPort = 8081

    /// Entry point of the `preprocessor` executable: loads the configuration and runs until SIGTERM.
    public static func main() async throws {
        let loader = try ConfigurationLoader.fromEnvironment()
        let common = try loader.common(defaultHTTPPort: defaultHTTPPort)
        let configuration = try loader.section("preprocessor", defaults: PreprocessorConfiguration())
        try configuration.validate()
        LogSetup.bootstrap(service: name, configuration: common)
        let logger = Logger(label: name)
        logger.info("starting", metadata: ["config": "\(loader.source)", "mqtt": "\(common.mqtt.url)",
                                           "kafka": "\(common.kafka.brokers)", "http_port": "\(common.http.port)"])
        let registry = MetricsRegistry(latencyBuckets: PreprocessorMetrics.latencyBuckets)
        let readiness = Readiness(checks: ["mqtt", "kafka"])
        let router = Router()
        OpsRoutes.add(to: router, service: name, readiness: readiness, metrics: registry)
        let pipeline = PreprocessorPipeline(common: common, configuration: configuration,
                                            metrics: PreprocessorMetrics(factory: registry.factory),
                                            readiness: readiness, logger: logger)
        try await ServiceRunner.run([
            ServiceRunner.httpServer(router: router, configuration: common, service: name, logger: logger),
            pipeline,
        ], logger: logger)
        logger.info("stopped")
    }
}
