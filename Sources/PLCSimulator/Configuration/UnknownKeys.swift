/// Rejects keys a Codable type does not know. The configuration loader already does this for
/// mappings; list items (device groups, faults) are decoded here and need it themselves.
enum UnknownKeys {
    struct AnyKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    static func reject(in decoder: any Decoder, known: [String], what: String) throws {
        let container = try decoder.container(keyedBy: AnyKey.self)
        let knownSet = Set(known)
        if let unknown = container.allKeys.map(\.stringValue).sorted().first(where: { !knownSet.contains($0) }) {
            throw DecodingError.dataCorrupted(.init(
                codingPath: decoder.codingPath + [AnyKey(stringValue: unknown)],
                debugDescription: "unknown \(what) key '\(unknown)' (known: \(known.sorted().joined(separator: ", ")))"))
        }
    }
}
