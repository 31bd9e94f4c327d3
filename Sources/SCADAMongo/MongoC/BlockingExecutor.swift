import Foundation

/// A fixed set of dedicated threads for libmongoc's blocking calls, so they never occupy
/// Swift's cooperative pool. Jobs run in submission order on whichever thread is free.
final class BlockingExecutor: @unchecked Sendable {
    typealias Job = @Sendable () -> Void

    private let condition = NSCondition()
    private var queue: [Job?] = []
    private var head = 0
    private var shuttingDown = false
    private var liveThreads: Int
    private var finalizer: Job?

    /// Starts `threads` threads named `name-1`, `name-2`, ...
    init(threads: Int, name: String) {
        liveThreads = max(1, threads)
        for i in 1...liveThreads {
            let thread = Thread { [self] in run() }
            thread.name = "\(name)-\(i)"
            thread.start()
        }
    }

    /// Queues `job`; returns false (and drops it) once shutdown has begun.
    func submit(_ job: @escaping Job) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        guard !shuttingDown else { return false }
        queue.append(job)
        condition.signal()
        return true
    }

    /// Refuses new jobs; queued jobs still run, then the last thread runs `finalizer` and all exit.
    func shutdown(finalizer: @escaping Job) {
        condition.lock()
        defer { condition.unlock() }
        guard !shuttingDown else { return }
        shuttingDown = true
        self.finalizer = finalizer
        condition.broadcast()
    }

    private func run() {
        while let job = next() { job() }
    }

    /// The next job, or nil when shut down and drained (the last thread out runs the finalizer).
    private func next() -> Job? {
        condition.lock()
        while head == queue.count && !shuttingDown { condition.wait() }
        if head < queue.count {
            let job = queue[head]
            queue[head] = nil
            head += 1
            if head == queue.count {
                queue.removeAll(keepingCapacity: queue.count < 1024)
                head = 0
            } else if head >= 1024 && head * 2 >= queue.count {
                queue.removeFirst(head)
                head = 0
            }
            condition.unlock()
            return job
        }
        liveThreads -= 1
        let last = liveThreads == 0 ? finalizer : nil
        if liveThreads == 0 { finalizer = nil }
        condition.unlock()
        last?()
        return nil
    }
}
