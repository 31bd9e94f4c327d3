import Foundation
import SCADAOps

/// The api-gateway service: REST, live streams, commands and alarm actions over the platform's topics and historian.
public enum APIGatewayService {
    public static let name = "api-gateway"
    /// Default API/health/metrics port when neither the config file nor SCADA_HTTP_PORT sets one.
    public static let defaultHTTPPort = 8000

    /// Entry point of the `api-gateway` executable: loads the configuration and runs until SIGTERM.
    public static func main() async throws {
        try await ServiceRunner.main(service: name, defaultHTTPPort: defaultHTTPPort, readinessChecks: Gateway.readinessChecks) { context in
            let configuration = try context.loader.section("apiGateway", defaults: APIGatewayConfiguration())
            try configuration.validate()
            return [Gateway(common: context.common, configuration: configuration, environment: ProcessInfo.processInfo.environment,
                            registry: context.metrics, readiness: context.readiness, logger: context.logger)]
        }
    }
}
