import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Why a test server could not be started, with the command that fixes it when one exists.
public struct TestServerError: Error, CustomStringConvertible {
    public let description: String
    /// The server exited before it listened: most likely another process took its free port meanwhile.
    public var exitedEarly = false
    public init(_ description: String, exitedEarly: Bool = false) {
        self.description = description
        self.exitedEarly = exitedEarly
    }
}

/// Runs `start` again (it picks a new free port each time) when a server exited before listening: between
/// choosing a free port and the server binding it, a parallel test may have taken it.
func retryingPortRaces<T>(attempts: Int = 3, _ start: () async throws -> T) async throws -> T {
    var attempt = 1
    while true {
        do {
            return try await start()
        } catch let error as TestServerError where error.exitedEarly && attempt < attempts {
            attempt += 1
        }
    }
}

/// A child process running a real server for the duration of a test.
///
/// Spawned with `posix_spawn` and a clean signal mask (a test runner may block SIGTERM, which a
/// child would inherit), so `stop()` is a real graceful shutdown. The process is killed when the
/// object is released, so a failing test never leaves a server behind.
public final class ServerProcess: @unchecked Sendable {
    public let name: String
    public let executable: String
    public let arguments: [String]
    public let logFile: URL
    private let environment: [String: String]
    private let lock = NSLock()
    private var childPID: pid_t?

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
            if let pid = childPID, Self.isAlive(pid) { return }
            var env = ProcessInfo.processInfo.environment
            for (key, value) in environment { env[key] = value }
            let pid = try Self.spawn(executable, arguments: arguments, environment: env, log: logFile.path)
            childPID = pid
            LiveChildren.shared.insert(pid)
        }
    }

    /// Whether the process is still running.
    public var isRunning: Bool { lock.withLock { childPID.map(Self.isAlive) ?? false } }

    /// Process id of the running server, if any.
    public var pid: Int32? { lock.withLock { childPID } }

    /// Stops the server: SIGTERM, then SIGKILL if it is still alive after `grace` seconds.
    public func stop(grace: TimeInterval = 10) {
        guard let pid = takePID() else { return }
        kill(pid, SIGCONT)
        kill(pid, SIGTERM)
        let deadline = Date().addingTimeInterval(grace)
        while Self.isAlive(pid) && Date() < deadline { usleep(20_000) }
        if Self.isAlive(pid) {
            kill(pid, SIGKILL)
            while Self.isAlive(pid) { usleep(10_000) }
        }
    }

    /// Kills the server at once (SIGKILL), as a crash would.
    public func kill9() {
        guard let pid = takePID() else { return }
        kill(pid, SIGKILL)
        while Self.isAlive(pid) { usleep(10_000) }
    }

    private func takePID() -> pid_t? {
        let pid = lock.withLock { () -> pid_t? in defer { childPID = nil }; return childPID }
        if let pid { LiveChildren.shared.remove(pid) }
        return pid
    }

    /// The last lines of the server's log, for failure messages.
    public func logTail(lines: Int = 30) -> String {
        guard let text = try? String(contentsOf: logFile, encoding: .utf8) else { return "" }
        return text.split(separator: "\n", omittingEmptySubsequences: false).suffix(lines).joined(separator: "\n")
    }

    deinit {
        if let pid = childPID {
            LiveChildren.shared.remove(pid)
            if Self.isAlive(pid) {
                kill(pid, SIGKILL)
                _ = Self.isAlive(pid)
            }
        }
    }

    /// True while `pid` runs; reaps it once it has exited.
    static func isAlive(_ pid: pid_t) -> Bool {
        var status: Int32 = 0
        let result = waitpid(pid, &status, WNOHANG)
        if result == 0 { return true }
        return false
    }

    /// The open descriptors above stderr that lack close-on-exec.
    private static func inheritableDescriptors() -> [Int32] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd") else { return [] }
        return names.compactMap { Int32($0) }.filter { fd in
            guard fd > 2 else { return false }
            let flags = fcntl(fd, F_GETFD)
            return flags >= 0 && flags & FD_CLOEXEC == 0
        }
    }

    private static func spawn(_ path: String, arguments: [String], environment: [String: String], log: String) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, log, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        // Nothing else is inherited: a server holding the test runner's output pipe would keep
        // `swift test` (and CI) waiting for end-of-file after the tests are done.
        for fd in Self.inheritableDescriptors() { posix_spawn_file_actions_addclose(&actions, fd) }

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGTERM, SIGINT, SIGHUP, SIGPIPE, SIGUSR1, SIGUSR2] { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        let argv = ([path] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, path, &actions, &attributes, argv, envp)
        guard rc == 0 else {
            throw TestServerError("cannot start \(path): \(String(cString: strerror(rc)))")
        }
        return pid
    }
}

/// Every server process still running, killed when the test process exits, so that no server
/// outlives the tests even when an object holding it is never released.
final class LiveChildren: @unchecked Sendable {
    static let shared = LiveChildren()
    private let lock = NSLock()
    private var pids: Set<pid_t> = []

    private init() {
        atexit { LiveChildren.shared.killAll() }
    }

    func insert(_ pid: pid_t) { lock.withLock { _ = pids.insert(pid) } }
    func remove(_ pid: pid_t) { lock.withLock { _ = pids.remove(pid) } }

    private func killAll() {
        let remaining = lock.withLock { () -> Set<pid_t> in defer { pids = [] }; return pids }
        for pid in remaining {
            kill(pid, SIGCONT)
            kill(pid, SIGKILL)
        }
    }
}
