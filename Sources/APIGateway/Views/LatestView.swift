import Hummingbird
import SCADACore
import Synchronization

/// The newest values of every device, kept current from `scada.telemetry` and `scada.device-status` and warmed
/// from the MongoDB registry at start-up. Each entry carries its JSON answers pre-rendered, so `latest` is a
/// dictionary lookup and a buffer handed to the server.
final class LatestView: Sendable {
    struct Entry: Sendable {
        var deviceID: String
        var deviceType: String
        var site: String?
        var line: String?
        var eventTime: Int64?
        var receiveTime: Int64?
        var seq: Int64?
        var metrics: [String: Double] = [:]
        var states: [String: StateValue] = [:]
        var sourceTopic: String?
        /// The topic of the device's own telemetry (see ``LatestView/commandTopic(_:)``).
        var commandTopic: String?
        /// `online`, `offline`, or nil when no status was seen.
        var status: String?
        var statusSince: Int64?
        /// `GET /api/v1/devices/{id}/latest`.
        var json = ByteBuffer()
        /// `GET /api/devices/{id}/latest` (seed 003 shape).
        var compatJSON = ByteBuffer()
        /// The raw bytes of `json`, for live streams.
        var jsonBytes: [UInt8] = []
    }

    private let entries = Mutex<[String: Entry]>([:])

    var count: Int { entries.withLock { $0.count } }

    func latest(_ device: String) -> ByteBuffer? { entries.withLock { $0[device]?.json } }
    func compatLatest(_ device: String) -> ByteBuffer? { entries.withLock { $0[device]?.compatJSON } }
    func entry(_ device: String) -> Entry? { entries.withLock { $0[device] } }
    func all() -> [Entry] { entries.withLock { Array($0.values) }.sorted { $0.deviceID < $1.deviceID } }
    func sourceTopic(_ device: String) -> String? { entries.withLock { $0[device]?.sourceTopic } }

    /// The topic the device's own telemetry arrives on (not a sub-topic such as `…/range`): where its commands go.
    func commandTopic(_ device: String) -> String? { entries.withLock { $0[device]?.commandTopic } }

    /// Applies a telemetry record (older than what is held: ignored); returns the rendered entry when it changed.
    @discardableResult
    func apply(_ record: TelemetryRecord) -> Entry? {
        entries.withLock { entries in
            var entry = entries[record.deviceId] ?? Entry(deviceID: record.deviceId, deviceType: record.deviceType)
            // A record from a sub-topic of the device's own topic (the fish tank's retained `…/range`) does not
            // move the device's command topic: commands go to the topic of its own telemetry.
            if entry.commandTopic.map({ !record.sourceTopic.hasPrefix($0 + "/") }) ?? true {
                entry.commandTopic = record.sourceTopic
            }
            if let held = entry.eventTime, held > record.eventTime {
                entries[record.deviceId] = entry
                return nil
            }
            entry.deviceType = record.deviceType
            entry.site = record.site ?? entry.site
            entry.line = record.line ?? entry.line
            entry.eventTime = record.eventTime
            entry.receiveTime = record.receiveTime
            entry.seq = record.seq
            entry.metrics = record.metrics
            entry.states = record.states
            entry.sourceTopic = record.sourceTopic
            Self.render(&entry)
            entries[record.deviceId] = entry
            return entry
        }
    }

    @discardableResult
    func apply(_ status: DeviceStatusRecord) -> Entry? {
        entries.withLock { entries in
            var entry = entries[status.deviceId] ?? Entry(deviceID: status.deviceId, deviceType: "")
            if let since = entry.statusSince, since > status.eventTime { return nil }
            entry.status = status.status.rawValue
            entry.statusSince = status.eventTime
            Self.render(&entry)
            entries[status.deviceId] = entry
            return entry
        }
    }

    /// Seeds an entry from the registry; live records already applied win.
    func warm(_ warmed: Entry) {
        entries.withLock { entries in
            if let held = entries[warmed.deviceID], held.eventTime != nil { return }
            var entry = warmed
            Self.render(&entry)
            entries[warmed.deviceID] = entry
        }
    }

    static func render(_ entry: inout Entry) {
        let online: JSON = entry.status.map { .bool($0 == "online") } ?? .null
        let json = JSON.object([
            ("device_id", .string(entry.deviceID)), ("device_type", .string(entry.deviceType)),
            ("site", .optional(entry.site)), ("line", .optional(entry.line)),
            ("online", online), ("status", .string(entry.status ?? "unknown")), ("status_since", .optional(entry.statusSince)),
            ("event_time", .optional(entry.eventTime)),
            ("event_time_iso", entry.eventTime.map { .string(ISOTime.string(milliseconds: $0)) } ?? .null),
            ("receive_time", .optional(entry.receiveTime)), ("seq", .optional(entry.seq)),
            ("metrics", metricsJSON(entry.metrics)), ("states", statesJSON(entry.states)),
            ("source_topic", .optional(entry.sourceTopic)),
        ]).bytes
        entry.jsonBytes = json
        entry.json = ByteBuffer(bytes: json)
        var compat: [(String, JSON)] = [("device_id", .string(entry.deviceID)),
                                        ("timestamp", entry.eventTime.map { .string(ISOTime.string(milliseconds: $0)) } ?? .null),
                                        ("status", .string(entry.status ?? "unknown"))]
        for (name, value) in entry.metrics.sorted(by: { $0.key < $1.key }) where !["device_id", "timestamp", "status"].contains(name) {
            compat.append((name, .double(value)))
        }
        entry.compatJSON = ByteBuffer(bytes: JSON.object(compat).bytes)
    }

    static func metricsJSON(_ metrics: [String: Double]) -> JSON {
        .object(metrics.sorted { $0.key < $1.key }.map { ($0.key, .double($0.value)) })
    }

    static func statesJSON(_ states: [String: StateValue]) -> JSON {
        .object(states.sorted { $0.key < $1.key }.map { name, value in
            switch value {
            case .bool(let flag): (name, .bool(flag))
            case .string(let text): (name, .string(text))
            }
        })
    }
}
