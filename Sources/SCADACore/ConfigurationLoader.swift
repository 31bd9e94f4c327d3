import Foundation
import Yams

/// Loads a service's YAML configuration (`SCADA_CONFIG=path`) and applies environment overrides.
///
/// Every section has defaults in code; the file only needs what differs. A key in the file that
/// the defaults do not know is reported (a typo would otherwise be silently ignored).
public struct ConfigurationLoader {
    private let root: Yams.Node
    public let environment: [String: String]
    /// Where the configuration came from, for the start-up log line.
    public let source: String
    /// When set, every section read is recorded here (`--print-config-schema`).
    public var sectionLog: ConfigurationSectionLog?

    /// Reads the file named by `SCADA_CONFIG`, or uses defaults only when it is unset.
    public static func fromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment,
                                       path: String? = nil) throws -> ConfigurationLoader {
        guard let file = path ?? environment["SCADA_CONFIG"], !file.isEmpty else {
            return try ConfigurationLoader(yaml: "", environment: environment, source: "defaults")
        }
        let text: String
        do {
            text = try String(contentsOfFile: file, encoding: .utf8)
        } catch {
            throw ConfigurationError(.fileUnreadable, "cannot read configuration file \(file): \(error.localizedDescription)")
        }
        return try ConfigurationLoader(yaml: text, environment: environment, source: file)
    }

    public init(yaml: String, environment: [String: String] = [:], source: String = "inline") throws {
        do {
            root = try Yams.compose(yaml: yaml) ?? Node.mapping([:])
        } catch {
            throw ConfigurationError(.invalidYAML, "\(source): \(error)")
        }
        guard case .mapping = root else {
            throw ConfigurationError(.invalidYAML, "\(source): the top level must be a mapping of sections")
        }
        self.environment = environment
        self.source = source
    }

    /// The shared connection settings with `SCADA_*` overrides applied.
    public func common(defaultHTTPPort: Int) throws -> CommonConfiguration {
        var common = CommonConfiguration(defaultHTTPPort: defaultHTTPPort)
        for key in ["mqtt", "kafka", "mongodb", "http", "log"] {
            guard let node = root.mapping?[key] else { continue }
            common = try merge(node, into: common, path: key, at: key)
        }
        try common.applyEnvironment(environment)
        return common
    }

    /// The section `key` decoded over `defaults`.
    public func section<T: Codable>(_ key: String, defaults: T) throws -> T {
        sectionLog?.record(key, defaults: defaults)
        guard let node = root.mapping?[key] else { return defaults }
        let wrapped = try merge(node, into: Wrapper(value: defaults), path: key, at: nil)
        return wrapped.value
    }

    private struct Wrapper<T: Codable>: Codable { var value: T }

    /// Encodes `defaults`, lays `node` over it (at `at`, or as the whole value), and decodes the result.
    private func merge<T: Codable>(_ node: Node, into defaults: T, path: String, at key: String?) throws -> T {
        let base = try Yams.compose(yaml: YAMLEncoder().encode(defaults)) ?? Node.mapping([:])
        let merged: Node
        if let key {
            guard var mapping = base.mapping else { return defaults }
            let existing = mapping[key] ?? Node.mapping([:])
            mapping[key] = try overlay(node, on: existing, path: path)
            merged = Node.mapping(mapping)
        } else {
            guard var mapping = base.mapping else { return defaults }
            mapping["value"] = try overlay(node, on: mapping["value"] ?? Node.mapping([:]), path: path)
            merged = Node.mapping(mapping)
        }
        do {
            return try YAMLDecoder().decode(T.self, from: Yams.serialize(node: merged))
        } catch let error as DecodingError {
            throw ConfigurationError(.invalidValue, "\(source): section '\(path)': \(Self.describe(error))")
        }
    }

    /// Deep-merges mappings; scalars and sequences replace. Unknown keys are errors, except
    /// under free-form maps (an empty default mapping, such as librdkafka properties).
    private func overlay(_ top: Node, on base: Node, path: String) throws -> Node {
        guard let topMapping = top.mapping, var baseMapping = base.mapping else { return top }
        let freeForm = baseMapping.isEmpty
        for (keyNode, value) in topMapping {
            guard let key = keyNode.string else { continue }
            if let existing = baseMapping[key] {
                baseMapping[key] = try overlay(value, on: existing, path: "\(path).\(key)")
            } else if freeForm {
                baseMapping[key] = value
            } else {
                let known = baseMapping.keys.compactMap(\.string).sorted().joined(separator: ", ")
                throw ConfigurationError(.unknownKey, "\(source): unknown key '\(path).\(key)' (known: \(known))")
            }
        }
        return Node.mapping(baseMapping)
    }

    private static func describe(_ error: DecodingError) -> String {
        switch error {
        case .typeMismatch(_, let context), .valueNotFound(_, let context),
             .keyNotFound(_, let context), .dataCorrupted(let context):
            let path = context.codingPath.map(\.stringValue).filter { $0 != "value" }.joined(separator: ".")
            return "\(path.isEmpty ? "" : path + ": ")\(context.debugDescription)"
        @unknown default:
            return "\(error)"
        }
    }
}
