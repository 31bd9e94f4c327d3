/// The subscriptions that cover a set of command topics: exact topics when there are few, otherwise
/// one filter per topic shape with `+` where the topics differ (`factory/+/commands`), so a gateway
/// connection serving 1,000 devices needs a handful of subscriptions, not 1,000.
public enum CommandFilters {
    public static func filters(for topics: [String], exactUpTo limit: Int = 16) -> [String] {
        guard topics.count > limit else { return topics.sorted() }
        let byDepth = Dictionary(grouping: topics.map { $0.split(separator: "/", omittingEmptySubsequences: false) }, by: \.count)
        var filters: [String] = []
        for (_, group) in byDepth {
            guard let first = group.first else { continue }
            let levels = first.indices.map { level in
                group.allSatisfy { $0[level] == first[level] } ? String(first[level]) : "+"
            }
            filters.append(levels.joined(separator: "/"))
        }
        return filters.sorted()
    }
}
