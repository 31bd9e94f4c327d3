import CoreMetrics
import struct Prometheus.PrometheusMetricsFactory

/// The db-interface's Prometheus metrics.
public final class DBInterfaceMetrics: Sendable {
    let consumed: Counter
    let inserted: Counter
    let duplicates: Counter
    let deadLetters: Counter
    let outsideRetention: Counter
    let retries: Counter
    let batches: Counter
    let batchSize: Gauge
    let writeLatency: Timer
    let lagSeconds: Gauge

    public init(factory: PrometheusMetricsFactory) {
        consumed = Counter(label: "db_interface_messages_consumed_total", factory: factory)
        inserted = Counter(label: "db_interface_samples_written_total", factory: factory)
        duplicates = Counter(label: "db_interface_duplicates_total", factory: factory)
        deadLetters = Counter(label: "db_interface_dead_letters_total", factory: factory)
        outsideRetention = Counter(label: "db_interface_outside_retention_total", factory: factory)
        retries = Counter(label: "db_interface_write_retries_total", factory: factory)
        batches = Counter(label: "db_interface_batches_total", factory: factory)
        batchSize = Gauge(label: "db_interface_last_batch_size", factory: factory)
        writeLatency = Timer(label: "db_interface_write_seconds", factory: factory)
        lagSeconds = Gauge(label: "db_interface_consumer_lag_seconds", factory: factory)
    }
}
