import Logging
import SCADACore
import ServiceLifecycle

extension ServiceRunner {
    /// The entry point of a service that serves HTTP itself (e.g. the api-gateway, whose router carries its
    /// own request context, middleware and WebSocket upgrade). Like ``main(service:defaultHTTPPort:readinessChecks:metrics:make:)``
    /// it loads the configuration, sets up logging and runs until SIGTERM/SIGINT, but it starts no ops server:
    /// `make` returns the services to run, one of which must serve `/healthz`, `/readyz` and `/metrics`
    /// (``OpsRoutes/add(to:service:readiness:metrics:)`` adds them to any router).
    public static func main(service name: String, defaultHTTPPort: Int, readinessChecks: [String],
                            metrics: MetricsRegistry = MetricsRegistry(),
                            serving make: (ServiceContext) throws -> [any Service]) async throws {
        if try ConfigSchema.printIfRequested(service: name, defaultHTTPPort: defaultHTTPPort, readinessChecks: readinessChecks,
                                             make: { try make($0).first }) { return }
        let loader = try ConfigurationLoader.fromEnvironment()
        let common = try loader.common(defaultHTTPPort: defaultHTTPPort)
        LogSetup.bootstrap(service: name, configuration: common)
        let logger = Logger(label: name)
        let readiness = Readiness(checks: readinessChecks)
        let services = try make(ServiceContext(loader: loader, common: common, logger: logger, metrics: metrics, readiness: readiness))
        logger.info("starting", metadata: [
            "config": "\(loader.source)", "mqtt": "\(common.mqtt.url)", "kafka": "\(common.kafka.brokers)",
            "mongodb": "\(common.mongodb.uri)", "http_port": "\(common.http.port)",
        ])
        try await run(services, logger: logger)
        logger.info("stopped")
    }
}
