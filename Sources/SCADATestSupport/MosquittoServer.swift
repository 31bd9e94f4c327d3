import Foundation

/// A real mosquitto broker on a free loopback port, with persistence so sessions survive restarts.
public final class MosquittoServer: Sendable {
    public let port: Int
    public let directory: URL
    private let process: ServerProcess

    /// `mqtt://127.0.0.1:PORT`
    public var url: String { "mqtt://\(Loopback.host):\(port)" }

    /// Starts mosquitto. `extraConfig` lines are appended to the generated configuration.
    public static func start(extraConfig: [String] = []) async throws -> MosquittoServer {
        try await retryingPortRaces { try await startOnce(extraConfig: extraConfig) }
    }

    private static func startOnce(extraConfig: [String]) async throws -> MosquittoServer {
        let binary = try Tools.locate("mosquitto", installHint: "make setup (or: sudo apt-get install mosquitto)")
        let directory = try Tools.scratchDirectory("mosquitto")
        let port = try Loopback.freePort()
        let config = ([
            "listener \(port) \(Loopback.host)",
            "allow_anonymous true",
            "persistence true",
            "persistence_location \(directory.path)/",
            "max_queued_messages 0",
            "max_inflight_messages 0",
            "log_dest stdout",
            "log_type error",
            "log_type warning",
        ] + (getuid() == 0 ? ["user root"] : []) + extraConfig).joined(separator: "\n") + "\n"
        let configURL = directory.appendingPathComponent("mosquitto.conf")
        try config.write(to: configURL, atomically: true, encoding: .utf8)
        let process = ServerProcess(name: "mosquitto", executable: binary, arguments: ["-c", configURL.path],
                                    logFile: directory.appendingPathComponent("mosquitto.log"))
        let server = MosquittoServer(port: port, directory: directory, process: process)
        try await server.restart()
        return server
    }

    private init(port: Int, directory: URL, process: ServerProcess) {
        self.port = port
        self.directory = directory
        self.process = process
    }

    /// Starts the broker again on the same port (after `stop()` or `kill9()`).
    public func restart() async throws {
        try process.launch()
        try await Loopback.waitUntilListening(port: port, timeout: 15, server: process)
    }

    /// Stops the broker gracefully (it saves its persistence file).
    public func stop() { process.stop() }

    /// Kills the broker at once.
    public func kill9() { process.kill9() }

    public var isRunning: Bool { process.isRunning }

    /// Process id of the broker while it runs.
    public var pid: Int32? { process.pid }

    /// Stops the broker and removes its directory.
    public func shutdown() {
        process.stop()
        try? FileManager.default.removeItem(at: directory)
    }
}
