import Logging
import SCADAOps
import ServiceLifecycle

/// The simulator as a ServiceLifecycle service: runs until graceful shutdown (SIGTERM/SIGINT), then stops cleanly.
public struct SimulatorService: Service {
    public let configuration: SimulatorConfiguration
    public let mqttURL: String
    public let logger: Logger
    public let metrics: SimulatorMetrics
    public let readiness: Readiness?

    public init(configuration: SimulatorConfiguration, mqttURL: String, logger: Logger, metrics: SimulatorMetrics,
                readiness: Readiness?) {
        self.configuration = configuration
        self.mqttURL = mqttURL
        self.logger = logger
        self.metrics = metrics
        self.readiness = readiness
    }

    public func run() async throws {
        let instance = try await SimulatorInstance.start(configuration: configuration, mqttURL: mqttURL, logger: logger,
                                                         metrics: metrics, readiness: readiness)
        try? await gracefulShutdown()
        await instance.stop()
    }
}
