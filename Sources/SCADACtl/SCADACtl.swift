import ArgumentParser

/// `scadactl`: operator and deployment commands.
@available(macOS 10.15, macCatalyst 13, iOS 13, tvOS 13, watchOS 6, *)
public struct SCADACtl: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "scadactl",
        abstract: "Operate a SCADA platform deployment.",
        subcommands: [TopicsCommand.self, StatusCommand.self])

    public init() {}
}
