import Hummingbird
import Logging
import SCADACore
import SCADAOps

/// The db-interface service: Kafka → MongoDB historian.
public enum DBInterfaceService {
    public static let name = "db-interface"
    /// Default health/metrics port when neither the config file nor SCADA_HTTP_PORT sets one.
    public static let defaultHTTPPort = 8082

    /// Entry point of the `db-interface` executable: loads the configuration and runs until SIGTERM.
    public static func main() async throws {
        let loader = try ConfigurationLoader.fromEnvironment()
        let common = try loader.common(defaultHTTPPort: defaultHTTPPort)
        let configuration = try loader.section("dbInterface", defaults: DBInterfaceConfiguration())
        try configuration.validate()
        LogSetup.bootstrap(service: name, configuration: common)
        let logger = Logger(label: name)
        logger.info("starting", metadata: ["config": "\(loader.source)", "kafka": "\(common.kafka.brokers)",
                                           "mongodb": "\(common.mongodb.uri)", "http_port": "\(common.http.port)"])
        let registry = MetricsRegistry()
        let readiness = Readiness(checks: ["kafka", "mongodb"])
        let router = Router()
        OpsRoutes.add(to: router, service: name, readiness: readiness, metrics: registry)
        let historian = Historian(common: common, configuration: configuration,
                                  metrics: DBInterfaceMetrics(factory: registry.factory), readiness: readiness, logger: logger)
        try await ServiceRunner.run([
            ServiceRunner.httpServer(router: router, configuration: common, service: name, logger: logger),
            historian,
        ], logger: logger)
        logger.info("stopped")
    }
}
