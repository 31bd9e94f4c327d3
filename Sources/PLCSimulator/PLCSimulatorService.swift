/// The plc-simulator service: entry point of the `plc-simulator` executable.
public enum PLCSimulatorService {
    public static let name = "plc-simulator"
    /// Default health/metrics port when neither the config file nor SCADA_HTTP_PORT sets one.
    public static let defaultHTTPPort = 8084

    /// Parses the command line and runs `run` (default) or `load`.
    public static func main() async throws {
        await PLCSimulatorCommand.main()
    }
}
