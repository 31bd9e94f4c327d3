import CoreMetrics
import SCADACore
import struct Prometheus.PrometheusMetricsFactory

/// The anomaly-detector's Prometheus metrics.
public final class AnomalyDetectorMetrics: Sendable {
    let evaluated: Counter
    let duplicatesSkipped: Counter
    let transitions: Counter
    let deadLetters: Counter
    let publishFailures: Counter
    let rulesReloads: Counter
    let rulesRejected: Counter
    let actionsApplied: Counter
    let actionsRejected: Counter
    let webhookFailures: Counter
    let evaluationLatency: Timer
    let lagSeconds: Gauge
    let devices: Gauge
    let restoreSeconds: Timer
    private let alarmGauges: [String: Gauge]

    public init(factory: PrometheusMetricsFactory) {
        evaluated = Counter(label: "anomaly_detector_records_evaluated_total", factory: factory)
        duplicatesSkipped = Counter(label: "anomaly_detector_duplicates_skipped_total", factory: factory)
        transitions = Counter(label: "anomaly_detector_transitions_total", factory: factory)
        deadLetters = Counter(label: "anomaly_detector_dead_letters_total", factory: factory)
        publishFailures = Counter(label: "anomaly_detector_publish_failures_total", factory: factory)
        rulesReloads = Counter(label: "anomaly_detector_rules_reloads_total", factory: factory)
        rulesRejected = Counter(label: "anomaly_detector_rules_rejected_total", factory: factory)
        actionsApplied = Counter(label: "anomaly_detector_actions_applied_total", factory: factory)
        actionsRejected = Counter(label: "anomaly_detector_actions_rejected_total", factory: factory)
        webhookFailures = Counter(label: "anomaly_detector_webhook_failures_total", factory: factory)
        evaluationLatency = Timer(label: "anomaly_detector_evaluation_seconds", factory: factory)
        lagSeconds = Gauge(label: "anomaly_detector_consumer_lag_seconds", factory: factory)
        devices = Gauge(label: "anomaly_detector_devices", factory: factory)
        restoreSeconds = Timer(label: "anomaly_detector_restore_seconds", factory: factory)
        var gauges: [String: Gauge] = [:]
        for state in AlertRecord.State.allCases {
            for severity in AlertRecord.Severity.allCases {
                gauges["\(state.rawValue)/\(severity.rawValue)"] = Gauge(
                    label: "anomaly_detector_alarms", dimensions: [("state", state.rawValue), ("severity", severity.rawValue)],
                    factory: factory)
            }
        }
        alarmGauges = gauges
    }

    /// Sets the alarms-by-state-and-severity gauge from the evaluator's counts.
    func setAlarmCounts(_ counts: [AlertRecord.State: [AlertRecord.Severity: Int]]) {
        for state in AlertRecord.State.allCases {
            for severity in AlertRecord.Severity.allCases {
                alarmGauges["\(state.rawValue)/\(severity.rawValue)"]?.record(counts[state]?[severity] ?? 0)
            }
        }
    }

    func recordEvaluation(_ duration: Duration) {
        evaluationLatency.recordNanoseconds(duration.components.seconds * 1_000_000_000 + duration.components.attoseconds / 1_000_000_000)
    }
}
