import Foundation

/// A real MongoDB-wire server (nx-27017, SQLite underneath) on a free loopback port.
/// Its data directory survives `stop()`/`restart()`, so outage tests keep their data.
public final class MongoServer: Sendable {
    public let port: Int
    public let directory: URL
    private let process: ServerProcess

    /// `mongodb://127.0.0.1:PORT`
    public var uri: String { "mongodb://\(Loopback.host):\(port)" }

    public static func start() async throws -> MongoServer {
        try await retryingPortRaces { try await startOnce() }
    }

    private static func startOnce() async throws -> MongoServer {
        let binary = try Tools.locate("nx-27017", installHint: "make setup (installs the PyPI package nx-27017 into .venv)")
        let directory = try Tools.scratchDirectory("mongo")
        let port = try Loopback.freePort()
        let process = ServerProcess(
            name: "nx-27017", executable: binary,
            arguments: ["--data-dir", directory.appendingPathComponent("data").path,
                        "--host", Loopback.host, "-p", String(port),
                        "--log-file", directory.appendingPathComponent("server.log").path,
                        "--pid-file", directory.appendingPathComponent("server.pid").path],
            logFile: directory.appendingPathComponent("stdout.log"))
        let server = MongoServer(port: port, directory: directory, process: process)
        try await server.restart()
        return server
    }

    private init(port: Int, directory: URL, process: ServerProcess) {
        self.port = port
        self.directory = directory
        self.process = process
    }

    /// Starts the server again on the same port with the same data.
    public func restart() async throws {
        try FileManager.default.createDirectory(at: directory.appendingPathComponent("data"), withIntermediateDirectories: true)
        try process.launch()
        try await Loopback.waitUntilListening(port: port, timeout: 30, server: process)
    }

    public func stop() { process.stop() }
    public func kill9() { process.kill9() }
    public var isRunning: Bool { process.isRunning }

    public func shutdown() {
        process.stop()
        try? FileManager.default.removeItem(at: directory)
    }
}
