/// An index to create with ``MongoCollection/createIndexes(_:)``.
public struct MongoIndexModel: Sendable, Equatable {
    /// Key specification, e.g. `["deviceId": 1, "ts": -1]`.
    public var keys: BSONDocument
    /// Index name; default: MongoDB's convention (`deviceId_1_ts_-1`).
    public var name: String?
    public var unique: Bool
    /// TTL: documents expire this many seconds after the date in the (single) key field.
    public var expireAfterSeconds: Int?
    /// Only documents matching this filter are indexed.
    public var partialFilter: BSONDocument?

    public init(
        keys: BSONDocument, name: String? = nil, unique: Bool = false, expireAfterSeconds: Int? = nil,
        partialFilter: BSONDocument? = nil
    ) {
        self.keys = keys
        self.name = name
        self.unique = unique
        self.expireAfterSeconds = expireAfterSeconds
        self.partialFilter = partialFilter
    }

    /// The name the index gets: `name`, or keys and directions joined by underscores.
    public var resolvedName: String {
        if let name { return name }
        return keys.map { key, value in
            let direction: String = switch value {
            case .string(let s): s
            case .double(let d) where d == d.rounded(): String(Int64(d))
            default: value.intValue.map(String.init) ?? "1"
            }
            return "\(key)_\(direction)"
        }.joined(separator: "_")
    }

    /// One entry of the `createIndexes` command's `indexes` array.
    var document: BSONDocument {
        var d: BSONDocument = ["key": .document(keys), "name": .string(resolvedName)]
        if unique { d.append("unique", true) }
        if let expireAfterSeconds { d.append("expireAfterSeconds", .int32(Int32(clamping: expireAfterSeconds))) }
        if let partialFilter { d.append("partialFilterExpression", .document(partialFilter)) }
        return d
    }
}
