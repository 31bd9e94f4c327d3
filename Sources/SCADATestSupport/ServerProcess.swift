import Foundation

/// Why a test server could not be started, with the command that fixes it when one exists.
public struct TestServerError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// A child process running a real server for the duration of a test.
///
/// The process is killed when `stop()` is called or when the object is released,
/// so a failing test never leaves a server behind.
public final class ServerProcess: @unchecked Sendable {
    public let name: String
    public let executable: String
    public let arguments: [String]
    public let logFile: URL
    private let environment: [String: String]
    private let lock = NSLock()
    private var process: Process?

    public init(name: String, executable: String, arguments: [String], environment: [String: String] = [:], logFile: URL) {
        self.name = name
        self.executable = executable
        self.arguments = arguments
        self.environment = environment
        self.logFile = logFile
    }

    /// Launches the process, appending its output to `logFile`.
    public func launch() throws {
        try lock.withLock {
            guard process == nil else { return }
            FileManager.default.createFile(atPath: logFile.path, contents: nil)
            let handle = try FileHandle(forWritingTo: logFile)
            handle.seekToEndOfFile()
            let child = Process()
            child.executableURL = URL(fileURLWithPath: executable)
            child.arguments = arguments
            var env = ProcessInfo.processInfo.environment
            for (key, value) in environment { env[key] = value }
            child.environment = env
            child.standardOutput = handle
            child.standardError = handle
            child.standardInput = FileHandle.nullDevice
            try child.run()
            process = child
        }
    }

    /// Whether the process is still running.
    public var isRunning: Bool { lock.withLock { process?.isRunning ?? false } }

    /// Process id of the running server, if any.
    public var pid: Int32? { lock.withLock { process.map { $0.processIdentifier } } }

    /// Stops the server: SIGTERM, then SIGKILL if it is still alive after `grace` seconds.
    public func stop(grace: TimeInterval = 5) {
        guard let child = lock.withLock({ () -> Process? in defer { process = nil }; return process }) else { return }
        guard child.isRunning else { return }
        child.terminate()
        let deadline = Date().addingTimeInterval(grace)
        while child.isRunning && Date() < deadline { usleep(20_000) }
        if child.isRunning { kill(child.processIdentifier, SIGKILL) }
        child.waitUntilExit()
    }

    /// Kills the server at once (SIGKILL), as a crash would.
    public func kill9() {
        guard let child = lock.withLock({ () -> Process? in defer { process = nil }; return process }) else { return }
        if child.isRunning { kill(child.processIdentifier, SIGKILL) }
        child.waitUntilExit()
    }

    /// The last lines of the server's log, for failure messages.
    public func logTail(lines: Int = 30) -> String {
        guard let text = try? String(contentsOf: logFile, encoding: .utf8) else { return "" }
        return text.split(separator: "\n", omittingEmptySubsequences: false).suffix(lines).joined(separator: "\n")
    }

    deinit {
        if let child = process, child.isRunning {
            kill(child.processIdentifier, SIGKILL)
        }
    }
}
