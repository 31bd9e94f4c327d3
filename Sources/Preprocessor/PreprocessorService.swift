import SCADAOps

/// The preprocessor service. Its pipeline lands with its own issue; until then it runs as a placeholder.
public enum PreprocessorService {
    public static let name = "preprocessor"
    /// Default health/metrics port when neither the config file nor SCADA_HTTP_PORT sets one.
    public static let defaultHTTPPort = 8081

    public static func main() async throws {
        try await PlaceholderService.main(service: name, defaultHTTPPort: defaultHTTPPort)
    }
}
