import SCADAOps

/// The db-interface service: Kafka → MongoDB historian.
public enum DBInterfaceService {
    public static let name = "db-interface"
    /// Default health/metrics port when neither the config file nor SCADA_HTTP_PORT sets one.
    public static let defaultHTTPPort = 8082

    /// Entry point of the `db-interface` executable: loads the configuration and runs until SIGTERM.
    public static func main() async throws {
        try await ServiceRunner.main(service: name, defaultHTTPPort: defaultHTTPPort, readinessChecks: ["kafka", "mongodb"]) { context in
            let configuration = try context.loader.section("dbInterface", defaults: DBInterfaceConfiguration())
            try configuration.validate()
            return Historian(common: context.common, configuration: configuration,
                             metrics: DBInterfaceMetrics(factory: context.metrics.factory), readiness: context.readiness,
                             logger: context.logger)
        }
    }
}
