import Hummingbird
import Logging
import SCADACore
import ServiceLifecycle

/// What a service's entry point has at hand when it builds its pipeline.
public struct ServiceContext {
    public let loader: ConfigurationLoader
    public let common: CommonConfiguration
    public let logger: Logger
    public let metrics: MetricsRegistry
    public let readiness: Readiness
}

extension ServiceRunner {
    /// The common entry point of a service executable: loads the configuration (`SCADA_CONFIG` and
    /// `SCADA_*`), sets up logging, serves `/healthz`, `/readyz` and `/metrics`, and runs the service
    /// `make` builds (nil: only the ops server) until SIGTERM/SIGINT.
    public static func main(service name: String, defaultHTTPPort: Int, readinessChecks: [String],
                            metrics: MetricsRegistry = MetricsRegistry(),
                            make: (ServiceContext) throws -> (any Service)?) async throws {
        if try ConfigSchema.printIfRequested(service: name, defaultHTTPPort: defaultHTTPPort, readinessChecks: readinessChecks, make: make) { return }
        let loader = try ConfigurationLoader.fromEnvironment()
        let common = try loader.common(defaultHTTPPort: defaultHTTPPort)
        LogSetup.bootstrap(service: name, configuration: common)
        let logger = Logger(label: name)
        let readiness = Readiness(checks: readinessChecks)
        let service = try make(ServiceContext(loader: loader, common: common, logger: logger, metrics: metrics, readiness: readiness))
        logger.info("starting", metadata: [
            "config": "\(loader.source)", "mqtt": "\(common.mqtt.url)", "kafka": "\(common.kafka.brokers)",
            "mongodb": "\(common.mongodb.uri)", "http_port": "\(common.http.port)",
        ])
        let router = Router()
        OpsRoutes.add(to: router, service: name, readiness: readiness, metrics: metrics)
        try await run([httpServer(router: router, configuration: common, service: name, logger: logger)] + (service.map { [$0] } ?? []),
                      logger: logger)
        logger.info("stopped")
    }
}
