import Foundation
import Synchronization

/// Records the sections a service reads through `ConfigurationLoader.section(_:defaults:)`, with their
/// defaults as JSON, so `<service> --print-config-schema` can show every key the service knows.
public final class ConfigurationSectionLog: Sendable {
    private let entries = Mutex<[String: Data]>([:])

    public init() {}

    /// Keeps the JSON encoding of `defaults` under `key` (a section that fails to encode is left out).
    public func record<T: Encodable>(_ key: String, defaults: T) {
        guard let json = try? JSONEncoder().encode(defaults) else { return }
        entries.withLock { $0[key] = json }
    }

    /// Every recorded section: its key and the JSON of its defaults.
    public var sections: [String: Data] { entries.withLock { $0 } }
}
