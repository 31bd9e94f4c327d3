import ArgumentParser
import SCADACtl

/// Runs an async root command (resolves to `AsyncParsableCommand.main()`, not the synchronous one).
func runAsync<Command: AsyncParsableCommand>(_ command: Command.Type) async {
    await command.main()
}

await runAsync(SCADACtl.self)
