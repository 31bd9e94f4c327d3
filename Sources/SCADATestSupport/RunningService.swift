import Logging
import SCADAOps
import ServiceLifecycle

/// A service running in the test process as its executable runs it (in a `ServiceGroup`), with its
/// metrics and readiness at hand, until ``stop()`` (graceful, like SIGTERM) or ``abort()`` (like kill -9).
public final class RunningService: Sendable {
    public let registry: MetricsRegistry
    public let readiness: Readiness
    private let group: ServiceGroup
    private let task: Task<Void, any Error>

    /// Runs `service` and returns once `readiness` reports ready.
    public static func start(_ service: some Service, registry: MetricsRegistry, readiness: Readiness, logger: Logger,
                             readyWithin: Duration = .seconds(20)) async throws -> RunningService {
        let group = ServiceGroup(configuration: .init(services: [.init(service: service)], logger: logger))
        let running = RunningService(registry: registry, readiness: readiness, group: group, task: Task { try await group.run() })
        let deadline = ContinuousClock.now + readyWithin
        while !readiness.isReady {
            guard ContinuousClock.now < deadline else {
                await running.abort()
                throw TestServerError("service not ready within \(readyWithin): \(readiness.snapshot)")
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        return running
    }

    private init(registry: MetricsRegistry, readiness: Readiness, group: ServiceGroup, task: Task<Void, any Error>) {
        self.registry = registry
        self.readiness = readiness
        self.group = group
        self.task = task
    }

    /// Graceful stop, as on SIGTERM.
    public func stop() async throws {
        await group.triggerGracefulShutdown()
        try await task.value
    }

    /// Abrupt end: the service's task is cancelled and nothing more is committed or flushed on purpose.
    public func abort() async {
        task.cancel()
        _ = try? await task.value
    }

    /// A metric's value from `/metrics`, summed over its label sets.
    public func metric(_ name: String) -> Double {
        let text = String(decoding: registry.render(), as: UTF8.self)
        return text.split(separator: "\n").filter { $0.hasPrefix(name + " ") || $0.hasPrefix(name + "{") }
            .compactMap { $0.split(separator: " ").last.flatMap { Double($0) } }.reduce(0, +)
    }
}
