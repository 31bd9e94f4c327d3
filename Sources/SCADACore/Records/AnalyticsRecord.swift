import Foundation

/// Plant KPIs of one site and line over one aggregation period, on `scada.analytics` (keyed by site).
/// Written by the anomaly-detector every `analytics.intervalSeconds`.
public struct AnalyticsRecord: Codable, Sendable, Equatable {
    public static let currentSchemaVersion = 1

    /// An average over the period and its direction against the previous period.
    public struct Trend: Codable, Sendable, Equatable {
        public var average: Double
        /// `increasing`, `decreasing` or `stable`.
        public var trend: String
        public init(average: Double, trend: String) {
            self.average = average
            self.trend = trend
        }
    }

    public var schemaVersion: Int
    public var site: String
    public var line: String?
    /// UTC ms: the period's start and end.
    public var periodStart: Int64
    public var periodEnd: Int64
    public var samples: Int
    /// kW, from energy meters.
    public var power: Trend?
    /// %, from energy meters.
    public var energyEfficiency: Double?
    /// °C, from environment monitors.
    public var temperature: Trend?
    public var airQualityIndex: Double?
    /// 0-100, from environment monitors' comfort index.
    public var environmentalComfort: Double?
    /// %, from production lines.
    public var qualityRate: Double?
    /// Share of line samples with status `running` (0-1).
    public var availability: Double?
    /// Average line speed over the nominal speed (0-1).
    public var performance: Double?
    /// availability × performance × quality (0-1).
    public var oee: Double?
    /// Alarms at severity critical that were active at the end of the period.
    public var criticalAlerts: [String]

    public init(schemaVersion: Int = AnalyticsRecord.currentSchemaVersion, site: String, line: String?, periodStart: Int64,
                periodEnd: Int64, samples: Int, power: Trend? = nil, energyEfficiency: Double? = nil, temperature: Trend? = nil,
                airQualityIndex: Double? = nil, environmentalComfort: Double? = nil, qualityRate: Double? = nil,
                availability: Double? = nil, performance: Double? = nil, oee: Double? = nil, criticalAlerts: [String] = []) {
        self.schemaVersion = schemaVersion
        self.site = site
        self.line = line
        self.periodStart = periodStart
        self.periodEnd = periodEnd
        self.samples = samples
        self.power = power
        self.energyEfficiency = energyEfficiency
        self.temperature = temperature
        self.airQualityIndex = airQualityIndex
        self.environmentalComfort = environmentalComfort
        self.qualityRate = qualityRate
        self.availability = availability
        self.performance = performance
        self.oee = oee
        self.criticalAlerts = criticalAlerts
    }

    enum CodingKeys: String, CodingKey {
        case schemaVersion = "schema_version", site, line, periodStart = "period_start", periodEnd = "period_end", samples
        case power, energyEfficiency = "energy_efficiency", temperature, airQualityIndex = "air_quality_index"
        case environmentalComfort = "environmental_comfort", qualityRate = "quality_rate", availability, performance, oee
        case criticalAlerts = "critical_alerts"
    }

    public func jsonBytes() throws -> [UInt8] { Array(try RecordCoding.encoder.encode(self)) }

    public init(jsonBytes: [UInt8]) throws {
        self = try RecordCoding.decoder.decode(AnalyticsRecord.self, from: .init(jsonBytes))
    }
}
