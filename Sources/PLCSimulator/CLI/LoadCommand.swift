import ArgumentParser
import Foundation
import Logging
import SCADACore

/// `plc-simulator load`: the benchmark load generator.
struct LoadCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "load",
        abstract: "Publish N messages across D devices as fast as the broker acknowledges, then report the rate.",
        discussion: """
        The broker comes from --url, else SCADA_MQTT_URL, else mqtt://localhost:1883. Prints a summary and a \
        'RESULT rate=... acked=... failed=...' line; exits 1 if any message was not acknowledged.
        """)

    @Option(help: "Messages to publish in total.")
    var count: Int

    @Option(help: "Devices to spread the messages over.")
    var devices: Int = 100

    @Option(help: "QoS (0, 1 or 2).")
    var qos: Int = 1

    @Option(help: "MQTT connections; devices are split across them.")
    var connections: Int = 1

    @Option(help: "Payload profile: manufacturing, energy, environment, cnc, vehicle, fish_tank.")
    var profile: String = "manufacturing"

    @Option(help: "Publishes in flight per connection (mosquitto handles in-flight messages in lists: a few hundred is fastest).")
    var window: Int = 256

    @Option(help: "Broker URL (overrides SCADA_MQTT_URL).")
    var url: String?

    @Option(help: "Seed for the payload values.")
    var seed: UInt64 = 1

    @Option(help: "Number of the first device ({n} in the profile's id and topic templates).")
    var firstIndex: Int = 1001

    @Option(help: "Keep per-device seq in this directory so consecutive runs continue it (default: start at 1).")
    var stateDir: String?

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        var options = LoadOptions(count: count, devices: devices,
                                  url: url ?? environment["SCADA_MQTT_URL"].flatMap { $0.isEmpty ? nil : $0 } ?? "mqtt://localhost:1883")
        options.qos = qos
        options.connections = connections
        options.profile = profile
        options.window = window
        options.seed = seed
        options.firstIndex = firstIndex
        options.stateDirectory = stateDir
        if let problem = options.problem { throw ValidationError(problem) }
        var logger = Logger(label: "plc-simulator-load")
        logger.logLevel = Logger.Level(rawValue: environment["SCADA_LOG_LEVEL"]?.lowercased() ?? "") ?? .warning
        let report = try await LoadGenerator.run(options, logger: logger)
        print(report.summary)
        if !report.succeeded { throw ExitCode(1) }
    }
}
