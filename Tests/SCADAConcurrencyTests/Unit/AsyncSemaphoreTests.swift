import Foundation
import SCADAConcurrency
import Synchronization
import Testing

@Suite struct AsyncSemaphoreTests {
    @Test func neverMoreHoldersThanPermits() async throws {
        let semaphore = AsyncSemaphore(permits: 3)
        let holders = Holders()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<50 {
                group.addTask {
                    try await semaphore.acquire()
                    holders.enter()
                    await Task.yield()
                    holders.leave()
                    semaphore.release()
                }
            }
            try await group.waitForAll()
        }
        #expect(holders.most <= 3 && holders.most >= 1)
        #expect(semaphore.available == 3)
    }

    @Test func releaseFromAnotherThreadResumesAWaiter() async throws {
        let semaphore = AsyncSemaphore(permits: 1)
        #expect(semaphore.tryAcquire())
        #expect(!semaphore.tryAcquire())
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await semaphore.acquire() }
            // Released by a plain thread, as a C library's callback would.
            Thread { semaphore.release() }.start()
            try await group.waitForAll()
        }
        #expect(semaphore.available == 0)
    }

    @Test func cancelledWaiterTakesNoPermit() async throws {
        let semaphore = AsyncSemaphore(permits: 0)
        let waiter = Task { try await semaphore.acquire() }
        waiter.cancel()
        await #expect(throws: CancellationError.self) { try await waiter.value }
        semaphore.release()
        #expect(semaphore.available == 1, "the permit went to nobody else")
    }
}

/// How many tasks hold a permit now, and the most that ever did at once.
private final class Holders: Sendable {
    private let counts = Mutex((now: 0, most: 0))
    func enter() { counts.withLock { $0.now += 1; $0.most = max($0.most, $0.now) } }
    func leave() { counts.withLock { $0.now -= 1 } }
    var most: Int { counts.withLock { $0.most } }
}
