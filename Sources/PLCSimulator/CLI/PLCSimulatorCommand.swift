import ArgumentParser

/// `plc-simulator`: simulated PLCs, machines, vehicles and fish tanks on MQTT (`run`, the default),
/// or a load generator for benchmarks (`load`).
public struct PLCSimulatorCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "plc-simulator",
        abstract: "Simulated industrial devices publishing JSON telemetry over MQTT.",
        discussion: """
        Configuration: YAML file (--config or SCADA_CONFIG) with mqtt/http/log sections and a `simulator:` \
        section; SCADA_MQTT_URL, SCADA_HTTP_PORT, SCADA_LOG_LEVEL and SCADA_SIMULATOR_STATE override it. \
        See configmaps/plc-simulator.yaml for every option and docs/payloads.md for the topics and payloads.
        """,
        subcommands: [RunCommand.self, LoadCommand.self],
        defaultSubcommand: RunCommand.self)

    public init() {}
}
