import Foundation

/// A dedicated OS thread that runs blocking librdkafka calls one after another, so that they never
/// occupy Swift's cooperative thread pool.
///
/// When no job is queued the worker runs `idle` (e.g. `rd_kafka_poll` with a short timeout) or sleeps.
/// `wake` is called when a job arrives (e.g. `rd_kafka_yield`) so a blocked idle call returns early;
/// it runs under the worker's lock, so it can never race with the final job that destroys the handle.
final class BlockingWorker: @unchecked Sendable {
    private let condition = NSCondition()
    private var jobs: [@Sendable () -> Void] = []
    private var stopping = false
    private var stopped = false
    private var waiters: [CheckedContinuation<Void, Never>] = []
    private let idle: (@Sendable () -> Void)?
    private let wake: (@Sendable () -> Void)?

    init(name: String, idle: (@Sendable () -> Void)? = nil, wake: (@Sendable () -> Void)? = nil) {
        self.idle = idle
        self.wake = wake
        let thread = Thread { [self] in loop() }
        thread.name = name
        thread.start()
    }

    /// Queues `job`; returns false (without running it) when the worker is stopping.
    @discardableResult
    func submit(_ job: @escaping @Sendable () -> Void) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        guard !stopping else { return false }
        jobs.append(job)
        condition.signal()
        wake?()
        return true
    }

    /// Runs `body` on the worker and returns its result; throws ``KafkaError/Kind/closed`` when stopping.
    func run<T: Sendable>(_ body: @escaping @Sendable () throws(KafkaError) -> T) async throws(KafkaError) -> T {
        let result: Result<T, KafkaError> = await withCheckedContinuation { continuation in
            let queued = submit {
                continuation.resume(returning: Result { () throws(KafkaError) -> T in try body() })
            }
            if !queued { continuation.resume(returning: .failure(KafkaError(.closed, message: "the client is closed"))) }
        }
        return try result.get()
    }

    /// Lets queued jobs finish, runs `final` last, then ends the thread. Returns false if already stopping.
    @discardableResult
    func stop(after final: (@Sendable () -> Void)? = nil) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        guard !stopping else { return false }
        if let final { jobs.append(final) }
        stopping = true
        condition.signal()
        wake?()
        return true
    }

    /// Waits until the thread has ended (after ``stop(after:)``).
    func waitUntilStopped() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            condition.lock()
            if stopped {
                condition.unlock()
                continuation.resume()
            } else {
                waiters.append(continuation)
                condition.unlock()
            }
        }
    }

    private func loop() {
        while true {
            condition.lock()
            while jobs.isEmpty && !stopping && idle == nil { condition.wait() }
            if !jobs.isEmpty {
                let job = jobs.removeFirst()
                condition.unlock()
                job()
                continue
            }
            if stopping {
                stopped = true
                let waiting = waiters
                waiters = []
                condition.unlock()
                waiting.forEach { $0.resume() }
                return
            }
            condition.unlock()
            idle?()
        }
    }
}
