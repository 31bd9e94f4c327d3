import ArgumentParser
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// `scadactl status`: health and readiness of every service.
struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status", abstract: "Show /healthz and /readyz of every service.")

    @Option(help: "Host the services run on.")
    var host = "127.0.0.1"

    @Option(parsing: .upToNextOption, help: "name=port pairs to check.")
    var services: [String] = ["preprocessor=8081", "db-interface=8082", "anomaly-detector=8083",
                              "api-gateway=8000", "plc-simulator=8084"]

    func run() async throws {
        var allReady = true
        for entry in services {
            let parts = entry.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, let port = Int(parts[1]) else {
                throw ValidationError("'\(entry)' is not name=port")
            }
            let health = await probe("http://\(host):\(port)/healthz")
            let ready = await probe("http://\(host):\(port)/readyz")
            allReady = allReady && ready.status == 200
            let state = health.status == 200 ? (ready.status == 200 ? "ready" : "up, not ready") : "down"
            print("\(parts[0].padding(toLength: 18, withPad: " ", startingAt: 0)) \(state.padding(toLength: 14, withPad: " ", startingAt: 0)) \(ready.body)")
        }
        if !allReady { throw ExitCode(1) }
    }

    private func probe(_ address: String) async -> (status: Int, body: String) {
        guard let url = URL(string: address) else { return (0, "bad address") }
        var request = URLRequest(url: url)
        request.timeoutInterval = 2
        do {
            let (data, response) = try await URLSession.shared.data(for: request)
            return ((response as? HTTPURLResponse)?.statusCode ?? 0, String(decoding: data, as: UTF8.self))
        } catch {
            return (0, error.localizedDescription)
        }
    }
}
