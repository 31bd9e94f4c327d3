import SCADAOps

/// The plc-simulator service. Its pipeline lands with its own issue; until then it runs as a placeholder.
public enum PLCSimulatorService {
    public static let name = "plc-simulator"
    /// Default health/metrics port when neither the config file nor SCADA_HTTP_PORT sets one.
    public static let defaultHTTPPort = 8084

    public static func main() async throws {
        try await PlaceholderService.main(service: name, defaultHTTPPort: defaultHTTPPort)
    }
}
