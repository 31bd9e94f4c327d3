/// One key of a JSON payload. Profiles describe their messages as ordered fields; faults edit them;
/// `JSONWriter` turns them into bytes.
public struct Field: Sendable, Equatable {
    public var key: String
    public var value: FieldValue

    public init(_ key: String, _ value: FieldValue) {
        self.key = key
        self.value = value
    }
}

/// A JSON value with the few shapes device payloads use.
public enum FieldValue: Sendable, Equatable {
    /// A number written with `decimals` digits after the point.
    case number(Double, decimals: Int)
    case integer(Int64)
    case bool(Bool)
    case string(String)
    case object([Field])
}

extension Field {
    static func number(_ key: String, _ value: Double, _ decimals: Int = 2) -> Field {
        Field(key, .number(value, decimals: decimals))
    }
    static func integer(_ key: String, _ value: Int64) -> Field { Field(key, .integer(value)) }
    static func bool(_ key: String, _ value: Bool) -> Field { Field(key, .bool(value)) }
    static func string(_ key: String, _ value: String) -> Field { Field(key, .string(value)) }
    static func object(_ key: String, _ fields: [Field]) -> Field { Field(key, .object(fields)) }
}

extension Array where Element == Field {
    /// The numeric value at a dotted path (`voltages.L1`), if there is one.
    public func number(at path: String) -> Double? {
        number(at: path.split(separator: ".")[...])
    }

    private func number(at path: ArraySlice<Substring>) -> Double? {
        guard let head = path.first, let field = first(where: { $0.key == head }) else { return nil }
        switch field.value {
        case .number(let value, _) where path.count == 1: return value
        case .integer(let value) where path.count == 1: return Double(value)
        case .object(let fields) where path.count > 1: return fields.number(at: path.dropFirst())
        default: return nil
        }
    }

    /// Replaces the numeric value at a dotted path; returns false when there is no number there.
    @discardableResult
    public mutating func updateNumber(at path: String, _ transform: (Double) -> Double) -> Bool {
        updateNumber(at: path.split(separator: ".")[...], transform)
    }

    private mutating func updateNumber(at path: ArraySlice<Substring>, _ transform: (Double) -> Double) -> Bool {
        guard let head = path.first, let index = firstIndex(where: { $0.key == head }) else { return false }
        switch self[index].value {
        case .number(let value, let decimals) where path.count == 1:
            self[index].value = .number(transform(value), decimals: decimals)
            return true
        case .integer(let value) where path.count == 1:
            let updated = transform(Double(value)).rounded()
            self[index].value = .integer(Int64(exactly: updated) ?? value)
            return true
        case .object(var fields) where path.count > 1:
            let done = fields.updateNumber(at: path.dropFirst(), transform)
            self[index].value = .object(fields)
            return done
        default:
            return false
        }
    }
}
