import Foundation

// Writes a Swift file declaring `EmbeddedDecoderTables.files`: each `Decoders/<name>/decoder.yaml` given on the
// command line as (folder name, text). Used by the DecoderTables build plugin; arguments: output, inputs...
let arguments = CommandLine.arguments.dropFirst()
guard let output = arguments.first else {
    FileHandle.standardError.write(Data("usage: embed-decoder-tables OUTPUT [decoder.yaml...]\n".utf8))
    exit(2)
}

var source = "// Generated at build time by the DecoderTables plugin; not committed.\n"
source += "enum EmbeddedDecoderTables {\n    static let files: [(folder: String, text: String)] = [\n"
for path in arguments.dropFirst() {
    let url = URL(fileURLWithPath: path)
    guard let text = try? String(contentsOf: url, encoding: .utf8) else {
        FileHandle.standardError.write(Data("embed-decoder-tables: cannot read \(path) as UTF-8\n".utf8))
        exit(1)
    }
    var hashes = "#"
    while text.contains("\"" + hashes) { hashes += "#" }
    let folder = url.deletingLastPathComponent().lastPathComponent
    source += "        (\"\(folder)\", \(hashes)\"\"\"\n\(text)\n\"\"\"\(hashes)),\n"
}
source += "    ]\n}\n"
do {
    try source.write(toFile: output, atomically: true, encoding: .utf8)
} catch {
    FileHandle.standardError.write(Data("embed-decoder-tables: cannot write \(output): \(error)\n".utf8))
    exit(1)
}
