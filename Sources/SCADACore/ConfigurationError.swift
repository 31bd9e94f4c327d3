/// Why a service's configuration could not be loaded.
public struct ConfigurationError: Error, CustomStringConvertible, Equatable {
    public enum Kind: Sendable, Equatable {
        case fileUnreadable
        case invalidYAML
        case invalidValue
        case unknownKey
    }
    public let kind: Kind
    public let description: String

    public init(_ kind: Kind, _ description: String) {
        self.kind = kind
        self.description = description
    }
}
