import SCADACore

/// A validated, enriched telemetry sample ready to be written as a canonical ``TelemetryRecord``.
public struct NormalisedRecord: Sendable, Equatable {
    public var sample: DecodedSample
    public var site: String?
    public var line: String?
    public var receiveTime: Int64
    public var sourceTopic: String
    public var extraTags: [String: String]

    /// The canonical record (the JSON written to Kafka decodes to exactly this).
    public var telemetryRecord: TelemetryRecord {
        var tags = extraTags
        for tag in sample.tags { tags[tag.name] = tag.value }
        var metrics: [String: Double] = [:]
        for metric in sample.metrics { metrics[metric.name] = metric.value }
        var states: [String: StateValue] = [:]
        for state in sample.states { states[state.name] = state.value }
        return TelemetryRecord(deviceId: sample.deviceID, deviceType: sample.deviceType, site: site, line: line,
                               eventTime: sample.eventTime, receiveTime: receiveTime, seq: sample.seq, metrics: metrics,
                               states: states, sourceTopic: sourceTopic, tags: tags)
    }
}
