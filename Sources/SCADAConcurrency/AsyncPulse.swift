import Synchronization

/// "Something changed": a generation counter that async code can wait on without polling.
///
/// Read ``generation`` before trying something that may have to wait (e.g. a full queue), then
/// ``wait(after:)`` with it: it returns at once if a ``pulse()`` happened since, so no pulse is missed
/// between the failed try and the wait. ``pulse()`` may be called from any thread.
public final class AsyncPulse: Sendable {
    private struct State {
        var generation: UInt64 = 0
        var nextID = 0
        var waiters: [Int: CheckedContinuation<Void, any Error>] = [:]
    }

    private let state = Mutex(State())

    public init() {}

    /// The number of pulses so far.
    public var generation: UInt64 { state.withLock { $0.generation } }

    /// Wakes every waiter.
    public func pulse() {
        let waiters = state.withLock { state -> [CheckedContinuation<Void, any Error>] in
            state.generation &+= 1
            guard !state.waiters.isEmpty else { return [] }
            defer { state.waiters.removeAll() }
            return Array(state.waiters.values)
        }
        for waiter in waiters { waiter.resume() }
    }

    /// Returns once the generation is past `seen`. Throws `CancellationError` when the task is cancelled.
    public func wait(after seen: UInt64) async throws {
        let id = state.withLock { state -> Int in state.nextID += 1; return state.nextID }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let passed = state.withLock { state -> Bool in
                    if state.generation != seen { return true }
                    state.waiters[id] = continuation
                    return false
                }
                if passed { continuation.resume() } else if Task.isCancelled { cancel(id) }
            }
        } onCancel: {
            cancel(id)
        }
    }

    private func cancel(_ id: Int) {
        let waiter = state.withLock { $0.waiters.removeValue(forKey: id) }
        waiter?.resume(throwing: CancellationError())
    }
}
