import Foundation

/// A string or boolean state carried next to numeric metrics (e.g. `status: "running"`, `alarm: false`).
public enum StateValue: Codable, Sendable, Equatable, Hashable {
    case string(String)
    case bool(Bool)

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let flag = try? container.decode(Bool.self) {
            self = .bool(flag)
        } else {
            self = .string(try container.decode(String.self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .string(let text): try container.encode(text)
        case .bool(let flag): try container.encode(flag)
        }
    }
}

/// The canonical, versioned telemetry record on `scada.telemetry` (JSON, snake_case keys),
/// keyed by `device_id`. Produced by the preprocessor, read by every downstream service.
public struct TelemetryRecord: Codable, Sendable, Equatable {
    /// The schema version this code writes. Readers accept this version and older.
    public static let currentSchemaVersion = 1

    public var schemaVersion: Int
    /// Stable device identity, e.g. `PLC1`, `CNC001`, `vehicle_01`.
    public var deviceId: String
    /// Decoder that recognised the payload: `manufacturing`, `energy`, `environment`, `cnc`, `vehicle`, `fish_tank`, ...
    public var deviceType: String
    public var site: String?
    public var line: String?
    /// When the device measured the values, UTC milliseconds since the epoch.
    public var eventTime: Int64
    /// When the preprocessor received the message, UTC milliseconds since the epoch.
    public var receiveTime: Int64
    /// Per-device sequence number from the device, when it sends one.
    public var seq: Int64?
    /// Numeric metrics, nested objects flattened with dots (`voltages.L1`).
    public var metrics: [String: Double]
    /// String and boolean states.
    public var states: [String: StateValue]
    /// The MQTT topic the message arrived on.
    public var sourceTopic: String
    /// Free-form tags from the decoder or enrichment (e.g. `part_program`).
    public var tags: [String: String]

    public init(schemaVersion: Int = TelemetryRecord.currentSchemaVersion, deviceId: String, deviceType: String,
                site: String? = nil, line: String? = nil, eventTime: Int64, receiveTime: Int64, seq: Int64? = nil,
                metrics: [String: Double] = [:], states: [String: StateValue] = [:], sourceTopic: String,
                tags: [String: String] = [:]) {
        self.schemaVersion = schemaVersion
        self.deviceId = deviceId
        self.deviceType = deviceType
        self.site = site
        self.line = line
        self.eventTime = eventTime
        self.receiveTime = receiveTime
        self.seq = seq
        self.metrics = metrics
        self.states = states
        self.sourceTopic = sourceTopic
        self.tags = tags
    }

    enum CodingKeys: String, CodingKey {
        case schemaVersion = "schema_version", deviceId = "device_id", deviceType = "device_type", site, line
        case eventTime = "event_time", receiveTime = "receive_time", seq, metrics, states
        case sourceTopic = "source_topic", tags
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        schemaVersion = try c.decode(Int.self, forKey: .schemaVersion)
        deviceId = try c.decode(String.self, forKey: .deviceId)
        deviceType = try c.decode(String.self, forKey: .deviceType)
        site = try c.decodeIfPresent(String.self, forKey: .site)
        line = try c.decodeIfPresent(String.self, forKey: .line)
        eventTime = try c.decode(Int64.self, forKey: .eventTime)
        receiveTime = try c.decode(Int64.self, forKey: .receiveTime)
        seq = try c.decodeIfPresent(Int64.self, forKey: .seq)
        metrics = try c.decodeIfPresent([String: Double].self, forKey: .metrics) ?? [:]
        states = try c.decodeIfPresent([String: StateValue].self, forKey: .states) ?? [:]
        sourceTopic = try c.decode(String.self, forKey: .sourceTopic)
        tags = try c.decodeIfPresent([String: String].self, forKey: .tags) ?? [:]
    }
}

extension TelemetryRecord {
    /// The record as JSON bytes (the Kafka message value).
    public func jsonBytes() throws -> [UInt8] {
        Array(try RecordCoding.encoder.encode(self))
    }

    /// Decodes a record from a Kafka message value (accepts what `JSONDecoder` accepts, several times faster).
    public init(jsonBytes: [UInt8]) throws(RecordDecodingError) {
        self = try TelemetryRecordReader.read(jsonBytes)
    }
}

/// Shared JSON coders for the records (sorted keys so output is stable).
enum RecordCoding {
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()
    static let decoder = JSONDecoder()
}
