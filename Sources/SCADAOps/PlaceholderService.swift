/// Entry point for a service whose pipeline is not built yet: it loads and logs its
/// configuration, serves `/healthz`, `/readyz` (not ready) and `/metrics`, and stops on SIGTERM.
public enum PlaceholderService {
    public static func main(service: String, defaultHTTPPort: Int) async throws {
        try await ServiceRunner.main(service: service, defaultHTTPPort: defaultHTTPPort, readinessChecks: []) { context in
            context.readiness.set("pipeline", ready: false, detail: "not implemented yet")
            return nil
        }
    }
}
