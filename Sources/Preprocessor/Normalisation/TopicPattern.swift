/// An MQTT topic filter (`+` one level, `#` the rest) that also allows a level prefix ending in `*`
/// (`factory/line*` matches `factory/line1`, `factory/line12`).
public struct TopicPattern: Sendable, Equatable, CustomStringConvertible {
    enum Level: Sendable, Equatable {
        case exact(String)
        case prefix(String)
        case anyLevel
        case rest
    }

    public let description: String
    let levels: [Level]

    public init(_ filter: String) throws(RouteError) {
        guard !filter.isEmpty else { throw RouteError("empty topic filter") }
        let parts = filter.split(separator: "/", omittingEmptySubsequences: false)
        var levels: [Level] = []
        for (index, part) in parts.enumerated() {
            switch part {
            case "#":
                guard index == parts.count - 1 else { throw RouteError("'#' must be the last level in '\(filter)'") }
                levels.append(.rest)
            case "+":
                levels.append(.anyLevel)
            default:
                if part.contains("#") || part.contains("+") { throw RouteError("wildcards must fill a whole level in '\(filter)'") }
                if part.hasSuffix("*") {
                    let stem = part.dropLast()
                    guard !stem.contains("*") else { throw RouteError("'*' may only end a level in '\(filter)'") }
                    levels.append(.prefix(String(stem)))
                } else {
                    guard !part.contains("*") else { throw RouteError("'*' may only end a level in '\(filter)'") }
                    levels.append(.exact(String(part)))
                }
            }
        }
        self.description = filter
        self.levels = levels
    }

    /// Whether `topic` matches. Topics starting with `$` never match a leading wildcard (MQTT rule).
    public func matches(_ topic: String) -> Bool {
        matches(levels: topic.split(separator: "/", omittingEmptySubsequences: false))
    }

    func matches(levels topicLevels: [Substring]) -> Bool {
        if topicLevels.first?.first == "$", let first = levels.first, first == .anyLevel || first == .rest { return false }
        var index = 0
        for level in levels {
            switch level {
            case .rest:
                return true
            case .anyLevel:
                guard index < topicLevels.count else { return false }
            case .exact(let text):
                guard index < topicLevels.count, topicLevels[index] == text else { return false }
            case .prefix(let stem):
                guard index < topicLevels.count, topicLevels[index].hasPrefix(stem) else { return false }
            }
            index += 1
        }
        return index == topicLevels.count
    }
}
