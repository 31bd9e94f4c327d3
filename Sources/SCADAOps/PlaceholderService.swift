import Foundation
import Hummingbird
import Logging
import SCADACore

/// Entry point for a service whose pipeline is not built yet: it loads and logs its
/// configuration, serves `/healthz`, `/readyz` (not ready) and `/metrics`, and stops on SIGTERM.
public enum PlaceholderService {
    public static func main(service: String, defaultHTTPPort: Int) async throws {
        let loader = try ConfigurationLoader.fromEnvironment()
        let common = try loader.common(defaultHTTPPort: defaultHTTPPort)
        LogSetup.bootstrap(service: service, configuration: common)
        let logger = Logger(label: service)
        logger.info("starting (pipeline not implemented yet)", metadata: [
            "config": "\(loader.source)", "mqtt": "\(common.mqtt.url)", "kafka": "\(common.kafka.brokers)",
            "mongodb": "\(common.mongodb.uri)", "http_port": "\(common.http.port)",
        ])
        let readiness = Readiness()
        readiness.set("pipeline", ready: false, detail: "not implemented yet")
        let router = Router()
        OpsRoutes.add(to: router, service: service, readiness: readiness, metrics: MetricsRegistry())
        try await ServiceRunner.run([ServiceRunner.httpServer(router: router, configuration: common, service: service, logger: logger)],
                                    logger: logger)
        logger.info("stopped")
    }
}
