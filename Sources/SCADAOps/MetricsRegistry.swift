import CoreMetrics
import Prometheus

/// A service's Prometheus registry and the swift-metrics factory that writes into it.
///
/// Services pass `factory` to their metrics instead of bootstrapping the global
/// `MetricsSystem`, so several services (or tests) can live in one process.
public struct MetricsRegistry: Sendable {
    public let registry: PrometheusCollectorRegistry
    public let factory: PrometheusMetricsFactory

    public init(latencyBuckets: [Double] = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5]) {
        let registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.defaultDurationHistogramBuckets = latencyBuckets.map { .nanoseconds(Int64($0 * 1e9)) }
        factory.defaultValueHistogramBuckets = latencyBuckets
        self.registry = registry
        self.factory = factory
    }

    /// The Prometheus text exposition, with process RSS and CPU gauges refreshed first.
    public func render() -> [UInt8] {
        registry.makeGauge(descriptor: .init(namespace: "process", metricName: "resident_memory", unitName: "bytes",
                                             helpText: "Resident memory size in bytes."))
            .set(Double(ProcessStats.residentMemoryBytes() ?? 0))
        registry.makeGauge(descriptor: .init(namespace: "process", metricName: "cpu_seconds", unitName: "total",
                                             helpText: "User and system CPU time spent in seconds."))
            .set(ProcessStats.cpuSeconds())
        var buffer: [UInt8] = []
        buffer.reserveCapacity(8192)
        registry.emit(into: &buffer)
        return buffer
    }
}
