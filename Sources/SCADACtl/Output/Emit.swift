import Foundation

/// Writes a line to standard output at once (unbuffered: streamed events show up as they come, also in a pipe,
/// and tables printed before a stream stay in order).
func emit(_ text: String, newline: Bool = true) {
    FileHandle.standardOutput.write(Data((newline ? text + "\n" : text).utf8))
}
