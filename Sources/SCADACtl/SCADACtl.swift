import ArgumentParser
import Foundation

/// `scadactl`: operator and deployment commands. API commands talk to the api-gateway (`--url`, `--token` or
/// SCADA_API_URL, SCADA_API_TOKEN); exit codes are documented in docs/scadactl.md and ``CLIFailure/Code``.
@available(macOS 10.15, macCatalyst 13, iOS 13, tvOS 13, watchOS 6, *)
public struct SCADACtl: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "scadactl",
        abstract: "Operate a SCADA platform deployment.",
        discussion: """
        Exit codes: 0 ok, 1 a check failed (status), 2 usage (bad arguments or a request the API refused as invalid), \
        3 not found, 4 authentication or permission, 5 server error or unreachable, 6 rejected (by the device), \
        7 pending (no ack or confirmation in time).
        """,
        subcommands: [TopicsCommand.self, StatusCommand.self,
                      DevicesCommand.self, DeviceCommand.self, LatestCommand.self, HistoryCommand.self, TailCommand.self,
                      AlarmsCommand.self, AckCommand.self, ShelveCommand.self, UnshelveCommand.self, SendCommand.self,
                      CompletenessCommand.self, DeadLettersCommand.self])

    public init() {}

    /// Parses the command line, runs the command and exits with the documented code (usage errors: 2).
    public static func runMain(_ arguments: [String]? = nil) async -> Never {
        do {
            var command = try parseAsRoot(arguments)
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
            terminate(0)
        } catch let failure as CLIFailure {
            FileHandle.standardError.write(Data("scadactl: \(failure.message)\n".utf8))
            terminate(failure.code.rawValue)
        } catch {
            if exitCode(for: error) == .validationFailure {
                FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
                terminate(CLIFailure.Code.usage.rawValue)
            }
            exit(withError: error)
        }
    }
}

/// Ends the process with `code` (file scope: `exit` here is the C library's, not ParsableCommand's).
private func terminate(_ code: Int32) -> Never { exit(code) }
