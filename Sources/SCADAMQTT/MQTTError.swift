/// A typed MQTT failure carrying the library's or the broker's reason.
public struct MQTTError: Error, CustomStringConvertible, Equatable {
    public enum Kind: Sendable, Equatable {
        case invalidURL
        case invalidConfiguration
        /// The broker refused the connection (CONNACK reason).
        case connectionRefused
        case notConnected
        /// The connection was closed by `disconnect()` before the operation completed.
        case connectionLost
        case subscriptionRefused
        case timeout
        /// A libmosquitto error code.
        case library(Int32)
    }

    public let kind: Kind
    public let reason: String

    public init(_ kind: Kind, _ reason: String) {
        self.kind = kind
        self.reason = reason
    }

    public var description: String { "MQTT \(kind): \(reason)" }
}
