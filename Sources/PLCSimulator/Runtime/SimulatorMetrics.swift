import Metrics
import SCADAOps

/// The simulator's Prometheus metrics (`/metrics`), written through the service's registry.
public struct SimulatorMetrics: Sendable {
    /// Telemetry messages handed to the MQTT client (first attempts and re-sends from the queue).
    public let published: Counter
    /// Telemetry messages the broker acknowledged (QoS 0: sent).
    public let acknowledged: Counter
    /// Publishes that failed (and were queued for a retry when store-and-forward is on).
    public let failed: Counter
    /// Messages put in the offline queue.
    public let queued: Counter
    /// Oldest messages dropped from a full offline queue.
    public let droppedFromQueue: Counter
    /// Messages currently in the offline queue.
    public let queueDepth: Gauge
    /// Devices whose MQTT connection is up.
    public let connectedLinks: Gauge
    private let factory: any MetricsFactory

    public init(factory: any MetricsFactory) {
        self.factory = factory
        published = Counter(label: "plc_simulator_messages_published_total", factory: factory)
        acknowledged = Counter(label: "plc_simulator_messages_acked_total", factory: factory)
        failed = Counter(label: "plc_simulator_publish_failures_total", factory: factory)
        queued = Counter(label: "plc_simulator_messages_queued_total", factory: factory)
        droppedFromQueue = Counter(label: "plc_simulator_messages_dropped_from_queue_total", factory: factory)
        queueDepth = Gauge(label: "plc_simulator_queue_depth", factory: factory)
        connectedLinks = Gauge(label: "plc_simulator_connections_up", factory: factory)
    }

    /// Counts one injected fault (by kind).
    public func faultInjected(_ kind: FaultKind) {
        Counter(label: "plc_simulator_faults_injected_total", dimensions: [("kind", kind.rawValue)], factory: factory).increment()
    }

    /// Counts one handled command (by result).
    public func commandHandled(accepted: Bool) {
        Counter(label: "plc_simulator_commands_total", dimensions: [("result", accepted ? "accepted" : "rejected")],
                factory: factory).increment()
    }

    /// Metrics that go nowhere (unit tests, load mode).
    public static var discarding: SimulatorMetrics { SimulatorMetrics(factory: NOOPMetricsHandler.instance) }
}
