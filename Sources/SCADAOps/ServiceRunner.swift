import Hummingbird
import Logging
import SCADACore
import ServiceLifecycle

/// Runs a service's components with its HTTP ops server until SIGTERM/SIGINT,
/// then shuts them down gracefully in reverse order.
public enum ServiceRunner {
    /// Builds the HTTP application serving the ops routes (plus anything the caller added to `router`).
    public static func httpServer(router: Router<BasicRequestContext>, configuration: CommonConfiguration,
                                  service: String, logger: Logger) -> some Service {
        Application(router: router,
                    configuration: .init(address: .hostname(configuration.http.host, port: configuration.http.port),
                                         serverName: service),
                    logger: logger)
    }

    /// Runs `services` in one group with graceful shutdown on SIGTERM and SIGINT.
    public static func run(_ services: [any Service], logger: Logger) async throws {
        let group = ServiceGroup(configuration: .init(
            services: services.map { .init(service: $0) },
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger))
        try await group.run()
    }
}
