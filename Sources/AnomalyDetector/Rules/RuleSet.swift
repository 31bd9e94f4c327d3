import Foundation
import Yams

/// A rules file could not be used; the detector keeps the rules it had.
public struct RulesError: Error, Sendable, Equatable, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// The rules file (`configmaps/anomaly-rules.yaml`): `rules:` a list of ``RuleSpec``.
public struct RuleSet: Sendable, Equatable {
    public var rules: [RuleSpec]

    public init(rules: [RuleSpec]) { self.rules = rules }

    /// Parses and checks a rules document: YAML syntax, unknown keys (typos), types, and each rule's values.
    public static func parse(_ text: String, source: String = "rules") throws(RulesError) -> RuleSet {
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch {
            throw RulesError("\(source): not valid YAML: \(error)")
        }
        // A Kubernetes ConfigMap manifest (configmaps/anomaly-rules.yaml) holds the rules in its data.
        if let mapping = root?.mapping, mapping["kind"]?.string == "ConfigMap" {
            guard let text = mapping["data"]?.mapping?.values.lazy.compactMap(\.string).first(where: { $0.contains("rules") }) else {
                throw RulesError("\(source): the ConfigMap has no rules document in its data")
            }
            return try parse(text, source: source)
        }
        guard let mapping = root?.mapping, let list = mapping["rules"] else {
            throw RulesError("\(source): the top level must be a mapping with a 'rules:' list")
        }
        if let extra = mapping.keys.compactMap(\.string).first(where: { $0 != "rules" }) {
            throw RulesError("\(source): unknown top-level key '\(extra)' (only 'rules')")
        }
        guard let items = list.sequence else { throw RulesError("\(source): 'rules' must be a list") }
        let known = Set(RuleSpec.CodingKeys.allCases.map(\.rawValue))
        var rules: [RuleSpec] = []
        var names = Set<String>()
        for (index, item) in items.enumerated() {
            let label = "\(source): rules[\(index)]\(item.mapping?["name"]?.string.map { " (\($0))" } ?? "")"
            guard let fields = item.mapping else { throw RulesError("\(label): a rule must be a mapping") }
            if let unknown = fields.keys.compactMap(\.string).first(where: { !known.contains($0) }) {
                throw RulesError("\(label): unknown key '\(unknown)' (known: \(known.sorted().joined(separator: ", ")))")
            }
            let rule: RuleSpec
            do {
                rule = try YAMLDecoder().decode(RuleSpec.self, from: Yams.serialize(node: item))
            } catch let error as DecodingError {
                throw RulesError("\(label): \(describe(error))")
            } catch {
                throw RulesError("\(label): \(error)")
            }
            if let problem = rule.problem { throw RulesError("\(label): \(problem)") }
            guard names.insert(rule.name).inserted else { throw RulesError("\(label): duplicate rule name '\(rule.name)'") }
            rules.append(rule)
        }
        return RuleSet(rules: rules)
    }

    /// Reads and parses a rules file.
    public static func load(path: String) throws(RulesError) -> RuleSet {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw RulesError("cannot read rules file \(path): \(error.localizedDescription)")
        }
        return try parse(text, source: path)
    }

    private static func describe(_ error: DecodingError) -> String {
        switch error {
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .keyNotFound(_, let context), .dataCorrupted(let context):
            let path = context.codingPath.map(\.stringValue).joined(separator: ".")
            return "\(path.isEmpty ? "" : path + ": ")\(context.debugDescription)"
        @unknown default:
            return "\(error)"
        }
    }
}
