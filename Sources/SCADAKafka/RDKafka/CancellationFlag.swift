import Synchronization

/// A flag set from a task-cancellation handler and read by a blocking loop on a worker thread.
final class CancellationFlag: Sendable {
    private let flag = Atomic<Bool>(false)

    func set() { flag.store(true, ordering: .relaxed) }

    var isSet: Bool { flag.load(ordering: .relaxed) }
}
