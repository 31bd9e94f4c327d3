import ArgumentParser

/// `scadactl`: operator and deployment commands.
public struct SCADACtl: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "scadactl",
        abstract: "Operate a SCADA platform deployment.",
        subcommands: [TopicsCommand.self, StatusCommand.self])

    public init() {}
}
