import Synchronization

/// Named readiness checks a service keeps up to date (e.g. "mqtt", "kafka", "mongodb").
/// `/readyz` answers 200 only when every registered check is ready.
public final class Readiness: Sendable {
    /// One check's current state.
    public struct Check: Sendable, Equatable {
        public var name: String
        public var ready: Bool
        public var detail: String
    }

    private let checks = Mutex<[String: Check]>([:])

    public init(checks names: [String] = []) {
        for name in names { set(name, ready: false, detail: "starting") }
    }

    /// Records the state of check `name`.
    public func set(_ name: String, ready: Bool, detail: String = "") {
        checks.withLock { $0[name] = Check(name: name, ready: ready, detail: detail) }
    }

    /// All checks, sorted by name.
    public var snapshot: [Check] { checks.withLock { $0.values.sorted { $0.name < $1.name } } }

    /// True when every check is ready (and there is at least one).
    public var isReady: Bool {
        checks.withLock { !$0.isEmpty && $0.values.allSatisfy(\.ready) }
    }
}
