/// Why a message was rejected: the machine-readable code in the dead letter's `scada-reason` header.
public enum RejectReason: String, Sendable, CaseIterable, Codable {
    /// The payload is not valid UTF-8.
    case notUTF8 = "not_utf8"
    /// The payload is not JSON (syntax error, empty, trailing garbage).
    case invalidJSON = "invalid_json"
    /// A required field (device id, timestamp, payload) is absent.
    case missingField = "missing_field"
    /// A field has the wrong JSON type (e.g. a string where a number belongs, or a top-level array).
    case wrongType = "wrong_type"
    /// NaN, Infinity, or a number outside the range of a double.
    case nonFiniteNumber = "non_finite_number"
    /// The timestamp cannot be parsed or is implausibly old.
    case badTimestamp = "bad_timestamp"
    /// The timestamp lies further in the future than the allowed clock skew.
    case timestampInFuture = "timestamp_in_future"
    /// The payload is larger than the configured limit.
    case payloadTooLarge = "payload_too_large"
    /// The payload has more leaf fields than the configured limit.
    case tooManyFields = "too_many_fields"
    /// Objects or arrays nest deeper than the configured limit.
    case tooDeep = "too_deep"
    /// No decoder is configured for the topic (and no fallback).
    case noDecoder = "no_decoder"
    /// Kafka refused the record permanently (it is kept in the dead-letter topic instead).
    case deliveryFailed = "delivery_failed"
}

/// A rejected message: the reason code and a human-readable detail.
public struct Rejection: Error, Sendable, Equatable, CustomStringConvertible {
    public var reason: RejectReason
    public var detail: String

    public init(_ reason: RejectReason, _ detail: String) {
        self.reason = reason
        self.detail = detail
    }

    public var description: String { "\(reason.rawValue): \(detail)" }
}
