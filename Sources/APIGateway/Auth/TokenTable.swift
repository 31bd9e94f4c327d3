/// The static API tokens from `SCADA_API_TOKENS` (`token=role,token=role,...`). Lookups compare against
/// every configured token in constant time (no early exit on the first differing byte, nor on a match);
/// tokens are never logged: a caller is named `api-token-<n>` by the token's position in the list.
struct TokenTable: Sendable {
    private struct Entry: Sendable {
        var token: [UInt8]
        var identity: Identity
    }

    private let entries: [Entry]

    var isEmpty: Bool { entries.isEmpty }
    var count: Int { entries.count }

    /// Parses the variable's value; the error names the entry by position, never its text.
    init(parsing text: String) throws(APIGatewayError) {
        var entries: [Entry] = []
        for (index, item) in text.split(separator: ",").enumerated() {
            let trimmed = item.trimmedWhitespace()
            guard !trimmed.isEmpty else { continue }
            guard let equals = trimmed.lastIndex(of: "=") else {
                throw APIGatewayError("API token entry \(index + 1) is not token=role")
            }
            let token = String(trimmed[..<equals])
            guard let role = Role(rawValue: String(trimmed[trimmed.index(after: equals)...])) else {
                throw APIGatewayError("API token entry \(index + 1) has an unknown role (viewer, operator, admin)")
            }
            guard token.utf8.count >= 8 else { throw APIGatewayError("API token entry \(index + 1) is shorter than 8 bytes") }
            entries.append(Entry(token: Array(token.utf8), identity: Identity(subject: "api-token-\(index + 1)", role: role, method: "token")))
        }
        self.entries = entries
    }

    /// The identity of `presented`, or nil.
    func identity(for presented: some Collection<UInt8>) -> Identity? {
        let candidate = Array(presented)
        var found: Identity?
        for entry in entries where Self.constantTimeEqual(entry.token, candidate) {
            found = found ?? entry.identity
        }
        return found
    }

    /// Equal bytes, in time that depends only on the lengths.
    static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        var difference = UInt8(truncatingIfNeeded: a.count ^ b.count)
        let count = max(a.count, b.count)
        for index in 0..<count {
            let x = index < a.count ? a[index] : 0
            let y = index < b.count ? b[index] : 0
            difference |= x ^ y
        }
        return difference == 0
    }
}

private extension Substring {
    func trimmedWhitespace() -> Substring {
        let blanks: Set<Character> = [" ", "\t", "\n", "\r"]
        var text = self
        while let first = text.first, blanks.contains(first) { text = text.dropFirst() }
        while let last = text.last, blanks.contains(last) { text = text.dropLast() }
        return text
    }
}
