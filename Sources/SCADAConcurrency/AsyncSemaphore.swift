import Synchronization

/// A counting semaphore for async code: ``acquire()`` suspends (never blocks a thread) while no permit
/// is free; ``release()`` may be called from any thread, including a C library's callback.
///
/// Used for flow control, e.g. at most N records in flight to Kafka: acquire before handing one over,
/// release in its delivery callback.
public final class AsyncSemaphore: Sendable {
    private struct State {
        var permits: Int
        var nextID = 0
        var waiters: [(id: Int, continuation: CheckedContinuation<Void, any Error>)] = []
    }

    private let state: Mutex<State>

    public init(permits: Int) {
        state = Mutex(State(permits: max(0, permits)))
    }

    /// Permits free right now.
    public var available: Int { state.withLock { $0.permits } }

    /// Takes a permit without waiting; false when none is free.
    public func tryAcquire() -> Bool {
        state.withLock { state in
            guard state.permits > 0, state.waiters.isEmpty else { return false }
            state.permits -= 1
            return true
        }
    }

    /// Takes a permit, waiting (in arrival order) until one is free. Throws `CancellationError` if the
    /// task is cancelled while waiting (no permit is taken then).
    public func acquire() async throws {
        if tryAcquire() { return }
        let id = state.withLock { state -> Int in state.nextID += 1; return state.nextID }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let granted = state.withLock { state -> Bool in
                    if state.permits > 0 && state.waiters.isEmpty {
                        state.permits -= 1
                        return true
                    }
                    state.waiters.append((id, continuation))
                    return false
                }
                if granted { continuation.resume() }
                // Cancelled before the waiter was registered: the handler found nothing to cancel.
                if !granted && Task.isCancelled { cancel(id) }
            }
        } onCancel: {
            cancel(id)
        }
    }

    /// Returns a permit: the longest-waiting task gets it, or it is kept for the next ``acquire()``.
    public func release() {
        let waiter = state.withLock { state -> CheckedContinuation<Void, any Error>? in
            if state.waiters.isEmpty {
                state.permits += 1
                return nil
            }
            return state.waiters.removeFirst().continuation
        }
        waiter?.resume()
    }

    private func cancel(_ id: Int) {
        let waiter = state.withLock { state -> CheckedContinuation<Void, any Error>? in
            guard let index = state.waiters.firstIndex(where: { $0.id == id }) else { return nil }
            return state.waiters.remove(at: index).continuation
        }
        waiter?.resume(throwing: CancellationError())
    }
}
