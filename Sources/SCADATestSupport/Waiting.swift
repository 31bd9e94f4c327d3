import Foundation

/// A wait in a test that did not end in time.
public struct TestTimeout: Error, CustomStringConvertible {
    public let what: String
    public let after: Duration
    public var description: String { "timed out after \(after) waiting for \(what)" }
}

/// Runs `body`, failing with ``TestTimeout`` if it takes longer than `timeout` (the body is cancelled then).
public func withTimeout<T: Sendable>(_ timeout: Duration, _ what: String,
                                     _ body: @escaping @Sendable () async throws -> T) async throws -> T {
    try await withThrowingTaskGroup(of: T?.self) { group in
        group.addTask { try await body() }
        group.addTask {
            try await Task.sleep(for: timeout)
            return nil
        }
        defer { group.cancelAll() }
        guard let first = try await group.next(), let value = first else {
            throw TestTimeout(what: what, after: timeout)
        }
        return value
    }
}

/// ``withTimeout(_:_:_:)`` with the limit in seconds.
public func withTimeout<T: Sendable>(_ seconds: Double, _ what: String,
                                     _ body: @escaping @Sendable () async throws -> T) async throws -> T {
    try await withTimeout(.milliseconds(Int64(seconds * 1000)), what, body)
}

/// Checks `condition` every `interval` until it holds, failing with ``TestTimeout`` after `timeout`.
/// The way tests wait for an outcome: on a condition, never for a fixed time.
public func eventually(_ what: String, timeout: Duration = .seconds(30), interval: Duration = .milliseconds(100),
                       _ condition: () async throws -> Bool) async throws {
    let deadline = ContinuousClock.now + timeout
    while try await !condition() {
        guard ContinuousClock.now < deadline else { throw TestTimeout(what: what, after: timeout) }
        try await Task.sleep(for: interval)
    }
}

/// Runs CPU-heavy synchronous test work on a thread of its own and returns its result. Swift's cooperative
/// pool has one thread per core (two here), and every other test's waits and deadlines run on it: work that
/// holds those threads for seconds makes servers "not listen in time" elsewhere. Check the result with
/// `#expect` in the test itself (expectations made on another thread are not attributed to the test).
public func onOwnThread<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
        let thread = Thread { continuation.resume(with: Result { try body() }) }
        thread.stackSize = 8 << 20
        thread.start()
    }
}
