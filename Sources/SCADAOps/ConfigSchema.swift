import Foundation
import Logging
import SCADACore
import ServiceLifecycle

/// `<service> --print-config-schema`: prints, as JSON, what a service reads and serves — its configuration
/// sections with their defaults, the `SCADA_*` variables, the HTTP port and paths, the brokers it needs
/// (its readiness checks) and the Kafka topics — and exits without starting anything.
///
/// With `SCADA_CONFIG=FILE` the file is loaded and every section decoded as at a real start, so an unknown
/// key or a bad value fails the command (exit status 1). `scripts/check-manifests.sh` compares the output
/// with `configmaps/`, `docker-compose.yml` and the Kubernetes manifests.
enum ConfigSchema {
    static let flag = "--print-config-schema"

    /// The variables every service reads (`ConfigurationLoader`, `CommonConfiguration.applyEnvironment`).
    static let environment = ["SCADA_CONFIG", "SCADA_MQTT_URL", "SCADA_KAFKA_BROKERS", "SCADA_MONGODB_URI",
                              "SCADA_HTTP_PORT", "SCADA_LOG_LEVEL"]

    /// Prints the schema and returns true when `flag` is among `arguments` (exits with status 1 when the
    /// configuration is refused); returns false otherwise.
    static func printIfRequested(arguments: [String] = CommandLine.arguments, service: String, defaultHTTPPort: Int,
                                 readinessChecks: [String],
                                 make: (ServiceContext) throws -> (any Service)?) throws -> Bool {
        guard arguments.dropFirst().contains(flag) else { return false }
        do {
            try printSchema(service: service, defaultHTTPPort: defaultHTTPPort, readinessChecks: readinessChecks, make: make)
        } catch {
            FileHandle.standardError.write(Data("\(service): \(error)\n".utf8))
            exit(1)
        }
        return true
    }

    private static func printSchema(service: String, defaultHTTPPort: Int, readinessChecks: [String],
                                    make: (ServiceContext) throws -> (any Service)?) throws {
        var loader = try ConfigurationLoader.fromEnvironment()
        let log = ConfigurationSectionLog()
        loader.sectionLog = log
        let common = try loader.common(defaultHTTPPort: defaultHTTPPort)
        let context = ServiceContext(loader: loader, common: common, logger: Logger(label: service),
                                     metrics: MetricsRegistry(), readiness: Readiness(checks: readinessChecks))
        _ = try make(context)  // decodes and validates the service's own sections; the service is not run

        var sections: [String: Any] = try json(JSONEncoder().encode(CommonConfiguration(defaultHTTPPort: defaultHTTPPort)))
            as? [String: Any] ?? [:]
        for (key, data) in log.sections { sections[key] = try json(data) }
        let schema: [String: Any] = [
            "service": service, "configSource": loader.source, "httpPort": common.http.port,
            "defaultHTTPPort": defaultHTTPPort, "httpPaths": ["/healthz", "/readyz", "/metrics"],
            "readinessChecks": readinessChecks, "environment": environment, "sections": sections,
            "topics": Topics.all,
        ]
        let output = try JSONSerialization.data(withJSONObject: schema, options: [.prettyPrinted, .sortedKeys])
        FileHandle.standardOutput.write(output + Data("\n".utf8))
    }

    private static func json(_ data: Data) throws -> Any {
        try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
    }
}
