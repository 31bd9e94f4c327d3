import ArgumentParser
import Foundation

/// Where the api-gateway is and who is asking; shared by every API command.
struct APIOptions: ParsableArguments {
    @Option(help: "Gateway base URL (default: SCADA_API_URL, else http://127.0.0.1:8000).")
    var url: String?

    @Option(help: "API token (default: SCADA_API_TOKEN).")
    var token: String?

    @Flag(help: "Print the API's JSON instead of a table.")
    var json = false

    @Option(help: "Seconds to wait for an answer.")
    var timeout: Int = 30

    func client() throws -> APIClient {
        let environment = ProcessInfo.processInfo.environment
        let base = url ?? environment["SCADA_API_URL"] ?? "http://127.0.0.1:8000"
        guard base.hasPrefix("http://") || base.hasPrefix("https://") else {
            throw CLIFailure(.usage, "--url must start with http:// or https:// (got '\(base)')")
        }
        let token = token ?? environment["SCADA_API_TOKEN"]
        return APIClient(baseURL: base.hasSuffix("/") ? String(base.dropLast()) : base,
                         token: token?.isEmpty == false ? token : nil, timeoutSeconds: Int64(max(1, timeout)))
    }
}
