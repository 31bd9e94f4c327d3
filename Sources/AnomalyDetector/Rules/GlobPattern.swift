/// A name pattern with `*` (any run of characters) and `?` (one character); no wildcard: exact match.
public struct GlobPattern: Sendable, Equatable {
    private let pattern: [UInt8]
    public let isLiteral: Bool
    public let text: String

    public init(_ text: String) {
        self.text = text
        pattern = Array(text.utf8)
        isLiteral = !pattern.contains(UInt8(ascii: "*")) && !pattern.contains(UInt8(ascii: "?"))
    }

    public func matches(_ name: String) -> Bool {
        if isLiteral { return name == text }
        var name = name
        return name.withUTF8 { Self.match(pattern[...], $0[...]) }
    }

    private static func match(_ pattern: ArraySlice<UInt8>, _ name: Slice<UnsafeBufferPointer<UInt8>>) -> Bool {
        var p = pattern.startIndex, n = name.startIndex
        var star = -1, resume = n
        while n < name.endIndex {
            if p < pattern.endIndex, pattern[p] == UInt8(ascii: "?") || pattern[p] == name[n] {
                p += 1; n += 1
            } else if p < pattern.endIndex, pattern[p] == UInt8(ascii: "*") {
                star = p; resume = n; p += 1
            } else if star >= 0 {
                p = star + 1; resume += 1; n = resume
            } else {
                return false
            }
        }
        while p < pattern.endIndex, pattern[p] == UInt8(ascii: "*") { p += 1 }
        return p == pattern.endIndex
    }
}
