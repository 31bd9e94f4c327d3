import SCADAOps

/// The db-interface service. Its pipeline lands with its own issue; until then it runs as a placeholder.
public enum DBInterfaceService {
    public static let name = "db-interface"
    /// Default health/metrics port when neither the config file nor SCADA_HTTP_PORT sets one.
    public static let defaultHTTPPort = 8082

    public static func main() async throws {
        try await PlaceholderService.main(service: name, defaultHTTPPort: defaultHTTPPort)
    }
}
