import Foundation
import SCADACore

/// Plant KPIs per site and line, like seed 000's bridge: every period, one ``AnalyticsRecord`` per
/// (site, line) for `scada.analytics` and one seed-shaped JSON document per site for `cloud/factory/analytics`.
public final class KPIAggregator {
    private var buckets: [String: KPIBucket] = [:]
    private let nominalLineSpeed: Double
    private let bridgeID: String
    private var periodStart: Int64

    public init(nominalLineSpeed: Double = 100, bridgeID: String = "anomaly-detector", now: Int64) {
        self.nominalLineSpeed = nominalLineSpeed
        self.bridgeID = bridgeID
        periodStart = now
    }

    func bucket(site: String?, line: String?) -> KPIBucket {
        let site = site ?? "default"
        let key = "\(site)\u{1}\(line ?? "")"
        if let bucket = buckets[key] { return bucket }
        let bucket = KPIBucket(site: site, line: line)
        buckets[key] = bucket
        return bucket
    }

    /// Closes the period at `now`: the records per (site, line) and the seed-shaped document per site.
    public func close(now: Int64, activeCritical: [AlertRecord]) -> (records: [AnalyticsRecord], cloud: [(site: String, json: [UInt8])]) {
        let start = periodStart
        periodStart = now
        var records: [AnalyticsRecord] = []
        for bucket in buckets.values.sorted(by: { ($0.site, $0.line ?? "") < ($1.site, $1.line ?? "") }) {
            let critical = activeCritical.filter { ($0.site ?? "default") == bucket.site && $0.line == bucket.line }.map(\.alertId)
            if let record = bucket.close(periodStart: start, periodEnd: now, nominalLineSpeed: nominalLineSpeed, criticalAlerts: critical) {
                records.append(record)
            }
        }
        let sites = Dictionary(grouping: records, by: \.site)
        let cloud = sites.keys.sorted().map { site in
            (site: site, json: Self.seedDocument(site: site, records: sites[site] ?? [], start: start, end: now, bridgeID: bridgeID,
                                                 critical: activeCritical.filter { ($0.site ?? "default") == site }))
        }
        return (records, cloud)
    }

    /// The seed's `cloud/factory/analytics` shape (plus `site`, and a `production` block with OEE).
    static func seedDocument(site: String, records: [AnalyticsRecord], start: Int64, end: Int64, bridgeID: String,
                             critical: [AlertRecord]) -> [UInt8] {
        func first<T>(_ pick: (AnalyticsRecord) -> T?) -> T? { records.lazy.compactMap(pick).first }
        let power = first(\.power), temperature = first(\.temperature)
        let efficiency = first(\.energyEfficiency), comfort = first(\.environmentalComfort)
        var document: [String: Any] = [
            "timestamp": ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: Double(end) / 1000)),
            "bridge_id": bridgeID,
            "site": site,
            "aggregation_period": Int((end - start + 500) / 1000),
            "energy_analytics": [
                "power_consumption": ["average": power?.average ?? 0, "trend": power?.trend ?? "stable"],
                "efficiency": ["average": efficiency ?? 0],
            ],
            "environment_analytics": [
                "temperature": ["average": temperature?.average ?? 0, "trend": temperature?.trend ?? "stable"],
                "air_quality": ["average_index": first(\.airQualityIndex) ?? 0],
            ],
            "critical_alerts": critical.map { ["alarm_id": $0.alertId, "device_id": $0.deviceId, "message": $0.message] },
            "facility_status": [
                "energy_efficiency": efficiency ?? 0,
                "environmental_comfort": comfort ?? 0,
                "overall_health": critical.isEmpty,
            ],
        ]
        let lines = records.filter { $0.oee != nil || $0.qualityRate != nil }
        if !lines.isEmpty {
            document["production"] = lines.map { record -> [String: Any] in
                ["line": record.line ?? "", "quality_rate": record.qualityRate ?? 0, "availability": record.availability ?? 0,
                 "performance": record.performance ?? 0, "oee": record.oee ?? 0]
            }
        }
        let data = (try? JSONSerialization.data(withJSONObject: document, options: [.sortedKeys])) ?? Data("{}".utf8)
        return Array(data)
    }
}
