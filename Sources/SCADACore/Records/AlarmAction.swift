import Foundation

/// An operator's request on `scada.alert-actions` (written by the api-gateway, applied by the anomaly-detector),
/// keyed by alarm id: `{"alarm_id", "action", "user", "comment", "expires_at"}`.
public struct AlarmAction: Codable, Sendable, Equatable {
    public enum Kind: String, Codable, Sendable, CaseIterable {
        case acknowledge, shelve, unshelve

        public init(from decoder: any Decoder) throws {
            let raw = try decoder.singleValueContainer().decode(String.self)
            switch raw {
            case "acknowledge", "ack": self = .acknowledge
            case "shelve": self = .shelve
            case "unshelve": self = .unshelve
            default:
                throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath,
                                                        debugDescription: "unknown alarm action '\(raw)' (acknowledge, shelve, unshelve)"))
            }
        }
    }

    public var schemaVersion: Int
    public var alarmId: String
    public var action: Kind
    public var user: String
    public var comment: String?
    /// UTC ms until which a shelve holds (required for `shelve`).
    public var expiresAt: Int64?
    /// UTC ms when the request was made.
    public var requestedAt: Int64?
    /// Unique id of this request, echoed in the alarm's action history.
    public var requestId: String?

    public init(schemaVersion: Int = 1, alarmId: String, action: Kind, user: String, comment: String? = nil,
                expiresAt: Int64? = nil, requestedAt: Int64? = nil, requestId: String? = nil) {
        self.schemaVersion = schemaVersion
        self.alarmId = alarmId
        self.action = action
        self.user = user
        self.comment = comment
        self.expiresAt = expiresAt
        self.requestedAt = requestedAt
        self.requestId = requestId
    }

    enum CodingKeys: String, CodingKey {
        case schemaVersion = "schema_version", alarmId = "alarm_id", action, user, comment, expiresAt = "expires_at"
        case requestedAt = "requested_at", requestId = "request_id"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        schemaVersion = try c.decodeIfPresent(Int.self, forKey: .schemaVersion) ?? 1
        alarmId = try c.decode(String.self, forKey: .alarmId)
        action = try c.decode(Kind.self, forKey: .action)
        user = try c.decode(String.self, forKey: .user)
        comment = try c.decodeIfPresent(String.self, forKey: .comment)
        expiresAt = try c.decodeIfPresent(Int64.self, forKey: .expiresAt)
        requestedAt = try c.decodeIfPresent(Int64.self, forKey: .requestedAt)
        requestId = try c.decodeIfPresent(String.self, forKey: .requestId)
    }

    public func jsonBytes() throws -> [UInt8] { Array(try RecordCoding.encoder.encode(self)) }

    public init(jsonBytes: [UInt8]) throws {
        self = try RecordCoding.decoder.decode(AlarmAction.self, from: Data(jsonBytes))
    }
}
