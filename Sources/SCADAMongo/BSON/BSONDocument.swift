/// An ordered BSON document.
///
/// Keys keep their insertion order (MongoDB compares documents, e.g. sort specifications and
/// index keys, by order). Lookup by key is a linear scan, which is what small documents want.
/// Equality compares keys, values and order.
public struct BSONDocument: Sendable, Hashable {
    public typealias Element = (key: String, value: BSONValue)

    @usableFromInline
    var storage: [Element]

    /// An empty document.
    public init() { storage = [] }

    /// A document with `elements` in order. A key given twice keeps its last value at its first place.
    public init(_ elements: some Sequence<(String, BSONValue)>) {
        storage = []
        storage.reserveCapacity(elements.underestimatedCount)
        for (key, value) in elements { self[key] = value }
    }

    init(uncheckedElements: [Element]) { storage = uncheckedElements }

    public var count: Int { storage.count }
    public var isEmpty: Bool { storage.isEmpty }
    public var keys: [String] { storage.map(\.key) }
    public var values: [BSONValue] { storage.map(\.value) }

    /// The value for `key`; setting `nil` removes the key, setting a new key appends it.
    public subscript(key: String) -> BSONValue? {
        get {
            for element in storage where element.key == key { return element.value }
            return nil
        }
        set {
            if let index = storage.firstIndex(where: { $0.key == key }) {
                if let newValue { storage[index].value = newValue } else { storage.remove(at: index) }
            } else if let newValue {
                storage.append((key, newValue))
            }
        }
    }

    /// The value at a dotted path such as `"meta.device"` or `"samples.0.value"` (array indexes are numbers).
    public subscript(path path: String) -> BSONValue? {
        var current: BSONValue = .document(self)
        for part in path.split(separator: ".", omittingEmptySubsequences: false) {
            switch current {
            case .document(let document):
                guard let next = document[String(part)] else { return nil }
                current = next
            case .array(let array):
                guard let index = Int(part), array.indices.contains(index) else { return nil }
                current = array[index]
            default:
                return nil
            }
        }
        return current
    }

    /// Appends `key` without checking whether it is already present (fast path for builders).
    public mutating func append(_ key: String, _ value: BSONValue) {
        storage.append((key, value))
    }

    /// Removes `key` and returns its value, if present.
    @discardableResult
    public mutating func removeValue(forKey key: String) -> BSONValue? {
        guard let index = storage.firstIndex(where: { $0.key == key }) else { return nil }
        return storage.remove(at: index).value
    }

    /// Whether `key` is present.
    public func contains(key: String) -> Bool { storage.contains { $0.key == key } }

    public static func == (lhs: BSONDocument, rhs: BSONDocument) -> Bool {
        lhs.storage.count == rhs.storage.count
            && zip(lhs.storage, rhs.storage).allSatisfy { $0.key == $1.key && $0.value == $1.value }
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(storage.count)
        for (key, value) in storage {
            hasher.combine(key)
            hasher.combine(value)
        }
    }
}

extension BSONDocument: Sequence {
    public func makeIterator() -> IndexingIterator<[Element]> { storage.makeIterator() }
    public var underestimatedCount: Int { storage.count }
}

extension BSONDocument: ExpressibleByDictionaryLiteral {
    public init(dictionaryLiteral elements: (String, BSONValue)...) { self.init(elements) }
}

extension BSONDocument: CustomStringConvertible {
    /// Relaxed extended JSON, or a note when the document cannot be encoded.
    public var description: String {
        (try? extendedJSON) ?? "<invalid BSON document with \(count) keys>"
    }
}
