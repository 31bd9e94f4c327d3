import Synchronization
import SCADACore

/// What the side tasks (group events, actions, device status, rules watcher) hand to the main loop,
/// which alone owns the evaluator.
final class Inbox: Sendable {
    struct Contents {
        var assigned: [Int32] = []
        var revoked: [Int32] = []
        var actions: [AlarmAction] = []
        var statuses: [DeviceStatusRecord] = []
        var rules: RuleSet?
    }

    private let contents = Mutex(Contents())

    func update(_ body: (inout Contents) -> Void) { contents.withLock { body(&$0) } }

    /// Everything waiting, emptied.
    func take() -> Contents {
        contents.withLock { contents in
            defer { contents = Contents() }
            return contents
        }
    }
}

/// Set once when graceful shutdown begins.
final class StopFlag: Sendable {
    private let value = Atomic<Bool>(false)
    func set() { value.store(true, ordering: .relaxed) }
    var isSet: Bool { value.load(ordering: .relaxed) }
}
