import SCADAOps

/// The anomaly-detector service. Its pipeline lands with its own issue; until then it runs as a placeholder.
public enum AnomalyDetectorService {
    public static let name = "anomaly-detector"
    /// Default health/metrics port when neither the config file nor SCADA_HTTP_PORT sets one.
    public static let defaultHTTPPort = 8083

    public static func main() async throws {
        try await PlaceholderService.main(service: name, defaultHTTPPort: defaultHTTPPort)
    }
}
