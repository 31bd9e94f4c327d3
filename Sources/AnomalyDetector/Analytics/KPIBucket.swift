import SCADACore

/// Which KPIs a device feeds, decided once per device from its type.
enum KPIKind {
    case none, energy, environment, manufacturing

    init(deviceType: String) {
        switch deviceType {
        case "energy": self = .energy
        case "environment": self = .environment
        case "manufacturing": self = .manufacturing
        default: self = .none
        }
    }
}

/// Running sums of one site and line for the current period (no per-sample allocation).
public final class KPIBucket {
    public let site: String
    public let line: String?
    var samples = 0
    var power = Mean(), efficiency = Mean(), temperature = Mean(), airQuality = Mean(), comfort = Mean(), quality = Mean()
    var lineSpeed = Mean()
    var lineSamples = 0
    var runningSamples = 0
    /// Averages of the previous period, for the trends.
    var previousPower: Double?
    var previousTemperature: Double?

    struct Mean {
        var sum = 0.0
        var count = 0
        mutating func add(_ value: Double?) {
            guard let value, value.isFinite else { return }
            sum += value
            count += 1
        }
        var value: Double? { count > 0 ? sum / Double(count) : nil }
    }

    init(site: String, line: String?) {
        self.site = site
        self.line = line
    }

    func add(_ record: TelemetryRecord, kind: KPIKind) {
        switch kind {
        case .none: return
        case .energy:
            power.add(record.metrics["power_consumption"])
            efficiency.add(record.metrics["efficiency"])
        case .environment:
            temperature.add(record.metrics["temperature"])
            airQuality.add(record.metrics["air_quality.index"])
            comfort.add(record.metrics["comfort_index"])
        case .manufacturing:
            quality.add(record.metrics["quality_rate"])
            lineSpeed.add(record.metrics["line_speed"])
            lineSamples += 1
            if record.states["status"] == .string("running") { runningSamples += 1 }
        }
        samples += 1
    }

    /// The period's KPIs; starts the next period.
    func close(periodStart: Int64, periodEnd: Int64, nominalLineSpeed: Double, criticalAlerts: [String]) -> AnalyticsRecord? {
        defer {
            if let average = power.value { previousPower = average }
            if let average = temperature.value { previousTemperature = average }
            samples = 0; lineSamples = 0; runningSamples = 0
            power = Mean(); efficiency = Mean(); temperature = Mean(); airQuality = Mean(); comfort = Mean(); quality = Mean()
            lineSpeed = Mean()
        }
        guard samples > 0 else { return nil }
        let availability = lineSamples > 0 ? Double(runningSamples) / Double(lineSamples) : nil
        let performance = lineSpeed.value.map { min(1, max(0, $0 / max(nominalLineSpeed, 1e-9))) }
        let qualityShare = quality.value.map { min(1, max(0, $0 / 100)) }
        var oee: Double?
        if let availability, let performance, let qualityShare { oee = availability * performance * qualityShare }
        return AnalyticsRecord(site: site, line: line, periodStart: periodStart, periodEnd: periodEnd, samples: samples,
                               power: power.value.map { .init(average: rounded($0), trend: trend($0, previousPower)) },
                               energyEfficiency: efficiency.value.map(rounded),
                               temperature: temperature.value.map { .init(average: rounded($0), trend: trend($0, previousTemperature)) },
                               airQualityIndex: airQuality.value.map(rounded), environmentalComfort: comfort.value.map(rounded),
                               qualityRate: quality.value.map(rounded), availability: availability.map(rounded4),
                               performance: performance.map(rounded4), oee: oee.map(rounded4), criticalAlerts: criticalAlerts)
    }

    private func trend(_ now: Double, _ before: Double?) -> String {
        guard let before, before != 0 else { return "stable" }
        let change = (now - before) / abs(before)
        return change > 0.02 ? "increasing" : change < -0.02 ? "decreasing" : "stable"
    }
}

func rounded(_ value: Double) -> Double { (value * 10).rounded() / 10 }
func rounded4(_ value: Double) -> Double { (value * 10_000).rounded() / 10_000 }
