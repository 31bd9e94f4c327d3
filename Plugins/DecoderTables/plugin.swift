import Foundation
import PackagePlugin

/// Embeds the preprocessor's field-table decoders (`Decoders/<name>/decoder.yaml`) into the module as Swift
/// string literals, so the executable carries them: no resource bundle to find at run time, and adding a
/// device type is one folder.
@main
struct DecoderTables: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: any Target) throws -> [Command] {
        let decoders = target.directoryURL.appending(path: "Decoders")
        let folders = (try? FileManager.default.contentsOfDirectory(atPath: decoders.path)) ?? []
        let tables = folders.sorted()
            .map { decoders.appending(path: $0).appending(path: "decoder.yaml") }
            .filter { FileManager.default.fileExists(atPath: $0.path) }
        let output = context.pluginWorkDirectoryURL.appending(path: "EmbeddedDecoderTables.swift")
        return [
            .buildCommand(displayName: "Embedding \(tables.count) decoder tables",
                          executable: try context.tool(named: "embed-decoder-tables").url,
                          arguments: [output.path] + tables.map(\.path),
                          inputFiles: tables, outputFiles: [output]),
        ]
    }
}
