/// A device's connection status on `scada.device-status` (from birth and last-will messages), keyed by device id.
public struct DeviceStatusRecord: Codable, Sendable, Equatable {
    public enum Status: String, Codable, Sendable { case online, offline }

    public var schemaVersion: Int
    public var deviceId: String
    public var status: Status
    /// UTC ms; the message's own timestamp when it has one, else the receive time.
    public var eventTime: Int64
    public var receiveTime: Int64
    public var sourceTopic: String

    public init(schemaVersion: Int = 1, deviceId: String, status: Status, eventTime: Int64, receiveTime: Int64, sourceTopic: String) {
        self.schemaVersion = schemaVersion
        self.deviceId = deviceId
        self.status = status
        self.eventTime = eventTime
        self.receiveTime = receiveTime
        self.sourceTopic = sourceTopic
    }

    enum CodingKeys: String, CodingKey {
        case schemaVersion = "schema_version", deviceId = "device_id", status
        case eventTime = "event_time", receiveTime = "receive_time", sourceTopic = "source_topic"
    }

    public func jsonBytes() throws -> [UInt8] { Array(try RecordCoding.encoder.encode(self)) }

    public init(jsonBytes: [UInt8]) throws {
        self = try RecordCoding.decoder.decode(DeviceStatusRecord.self, from: .init(jsonBytes))
    }
}
