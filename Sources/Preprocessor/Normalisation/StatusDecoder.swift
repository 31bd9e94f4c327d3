import Foundation
import SCADACore

/// Birth and last-will messages on `status/{device id}`: plain `online`/`offline`, or JSON
/// `{"status": "online", "timestamp": ...}`.
public enum StatusDecoder {
    public static func decode(topic: String, payload: [UInt8], receiveTime: Int64,
                              limits: JSONLimits) throws(Rejection) -> DeviceStatusRecord {
        guard let deviceID = topic.split(separator: "/", omittingEmptySubsequences: false).last.map(String.init),
              !deviceID.isEmpty, topic.contains("/") else {
            throw Rejection(.missingField, "status topic '\(topic)' names no device")
        }
        guard let text = String(validating: payload, as: UTF8.self) else {
            throw Rejection(.notUTF8, "status payload is not valid UTF-8")
        }
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if let status = DeviceStatusRecord.Status(rawValue: trimmed.lowercased()) {
            return DeviceStatusRecord(deviceId: deviceID, status: status, eventTime: receiveTime, receiveTime: receiveTime,
                                      sourceTopic: topic)
        }
        guard trimmed.hasPrefix("{") else {
            throw Rejection(.wrongType, "status must be 'online', 'offline' or a JSON object, not '\(trimmed.prefix(32))'")
        }
        let document = try FlatJSONParser.parse(payload, limits: limits)
        guard let value = document.value("status") else { throw Rejection(.missingField, "'status' is missing") }
        guard case .string(let word) = value, let status = DeviceStatusRecord.Status(rawValue: word.lowercased()) else {
            throw Rejection(.wrongType, "'status' must be \"online\" or \"offline\"")
        }
        var eventTime = receiveTime
        if let stamp = document.value("timestamp") { eventTime = try TimestampParser.milliseconds(stamp, field: "timestamp") }
        return DeviceStatusRecord(deviceId: deviceID, status: status, eventTime: eventTime, receiveTime: receiveTime,
                                  sourceTopic: topic)
    }
}
