import SCADAOps
import Synchronization

/// Which connections are up; keeps the `mqtt` readiness check and the connections gauge current.
final class ConnectionTracker: Sendable {
    private let up = Mutex<Set<Int>>([])
    private let total: Int
    private let readiness: Readiness?
    private let metrics: SimulatorMetrics

    init(total: Int, readiness: Readiness?, metrics: SimulatorMetrics) {
        self.total = total
        self.readiness = readiness
        self.metrics = metrics
        report(0)
    }

    func set(_ link: Int, connected: Bool) {
        let count = up.withLock { links in
            if connected { links.insert(link) } else { links.remove(link) }
            return links.count
        }
        report(count)
    }

    var connectedCount: Int { up.withLock { $0.count } }

    private func report(_ count: Int) {
        metrics.connectedLinks.record(count)
        readiness?.set("mqtt", ready: total > 0 && count == total, detail: "\(count)/\(total) connections up")
    }
}
