import SCADAOps

/// The api-gateway service. Its pipeline lands with its own issue; until then it runs as a placeholder.
public enum APIGatewayService {
    public static let name = "api-gateway"
    /// Default health/metrics port when neither the config file nor SCADA_HTTP_PORT sets one.
    public static let defaultHTTPPort = 8000

    public static func main() async throws {
        try await PlaceholderService.main(service: name, defaultHTTPPort: defaultHTTPPort)
    }
}
