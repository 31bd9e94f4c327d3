import CoreMetrics
import struct Prometheus.PrometheusMetricsFactory
import SCADAOps
import Synchronization

/// The preprocessor's Prometheus metrics.
public final class PreprocessorMetrics: Sendable {
    /// Latency buckets (seconds) fine enough to read a p99 around the 25 ms target.
    public static let latencyBuckets: [Double] = [0.001, 0.002, 0.003, 0.005, 0.0075, 0.01, 0.015, 0.02, 0.025, 0.035,
                                                  0.05, 0.075, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60]

    let received: Counter
    let valid: Counter
    let statusChanges: Counter
    let ignored: Counter
    let produced: Counter
    let deadLettersProduced: Counter
    let deliveryFailures: Counter
    let backpressureWaits: Counter
    let mqttDisconnects: Counter
    /// Sessions of dead peer replicas taken over (shared groups), and the messages found in them.
    let takeovers: Counter
    let takeoverMessages: Counter
    let bufferDepth: Gauge
    let inFlight: Gauge
    /// Device timestamp (≈ publish time) to Kafka acknowledgement.
    let publishToAck: Timer
    /// Arrival at the preprocessor to Kafka acknowledgement.
    let receiveToAck: Timer
    private let factory: PrometheusMetricsFactory
    private let invalidByReason: [RejectReason: Counter]

    public init(factory: PrometheusMetricsFactory) {
        self.factory = factory
        received = Counter(label: "preprocessor_messages_received_total", factory: factory)
        valid = Counter(label: "preprocessor_messages_valid_total", factory: factory)
        statusChanges = Counter(label: "preprocessor_status_messages_total", factory: factory)
        ignored = Counter(label: "preprocessor_messages_ignored_total", factory: factory)
        produced = Counter(label: "preprocessor_records_produced_total", factory: factory)
        deadLettersProduced = Counter(label: "preprocessor_dead_letters_produced_total", factory: factory)
        deliveryFailures = Counter(label: "preprocessor_delivery_failures_total", factory: factory)
        backpressureWaits = Counter(label: "preprocessor_backpressure_waits_total", factory: factory)
        mqttDisconnects = Counter(label: "preprocessor_mqtt_disconnects_total", factory: factory)
        takeovers = Counter(label: "preprocessor_session_takeovers_total", factory: factory)
        takeoverMessages = Counter(label: "preprocessor_takeover_messages_total", factory: factory)
        bufferDepth = Gauge(label: "preprocessor_buffer_depth", factory: factory)
        inFlight = Gauge(label: "preprocessor_records_in_flight", factory: factory)
        publishToAck = Timer(label: "preprocessor_publish_to_ack_seconds", factory: factory)
        receiveToAck = Timer(label: "preprocessor_receive_to_ack_seconds", factory: factory)
        var invalid: [RejectReason: Counter] = [:]
        for reason in RejectReason.allCases {
            invalid[reason] = Counter(label: "preprocessor_messages_invalid_total", dimensions: [("reason", reason.rawValue)],
                                      factory: factory)
        }
        invalidByReason = invalid
    }

    func invalid(_ reason: RejectReason) { invalidByReason[reason]?.increment() }
}
