/// One leaf of a JSON payload.
public enum JSONScalar: Sendable, Equatable {
    /// A finite number; `integer` is set when the literal was an integer that fits in Int64.
    case number(Double, integer: Int64?)
    case string(String)
    case bool(Bool)
    case null

    /// Short name of the JSON type, for error details.
    public var typeName: String {
        switch self {
        case .number: "number"
        case .string: "string"
        case .bool: "boolean"
        case .null: "null"
        }
    }
}

/// A JSON object flattened to its leaves in document order: `{"voltages": {"L1": 230}}` becomes
/// `voltages.L1 = 230`, array items become `name.0`, `name.1`, ...
public struct FlatDocument: Sendable {
    /// Leaves in document order, with dotted paths.
    public var fields: [(path: String, value: JSONScalar)]
    /// Paths of the objects inside the document (not the top level), e.g. `payload`, `voltages`.
    public var objectPaths: [String]
    /// Paths of the arrays inside the document.
    public var arrayPaths: [String]

    public init(fields: [(path: String, value: JSONScalar)] = [], objectPaths: [String] = [], arrayPaths: [String] = []) {
        self.fields = fields
        self.objectPaths = objectPaths
        self.arrayPaths = arrayPaths
    }

    /// The first leaf at `path`.
    public func value(_ path: String) -> JSONScalar? {
        for field in fields where field.path == path { return field.value }
        return nil
    }

    /// Whether `path` is a leaf, an object or an array of the document.
    public func contains(_ path: String) -> Bool {
        value(path) != nil || objectPaths.contains(path) || arrayPaths.contains(path)
    }

    /// Whether `path` is an object (possibly empty) in the document.
    public func isObject(_ path: String) -> Bool { objectPaths.contains(path) }
}
