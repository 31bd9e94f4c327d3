import Foundation
import SCADAConcurrency
import Testing

@Suite struct AsyncPulseTests {
    @Test func aPulseBeforeTheWaitIsNotMissed() async throws {
        let pulse = AsyncPulse()
        let seen = pulse.generation
        pulse.pulse()
        try await pulse.wait(after: seen)   // returns at once
        #expect(pulse.generation == seen + 1)
    }

    @Test func waitersWakeOnTheNextPulse() async throws {
        let pulse = AsyncPulse()
        let seen = pulse.generation
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<10 { group.addTask { try await pulse.wait(after: seen) } }
            Thread { pulse.pulse() }.start()
            try await group.waitForAll()
        }
    }

    @Test func cancellingAWaitEndsIt() async throws {
        let pulse = AsyncPulse()
        let waiter = Task { try await pulse.wait(after: pulse.generation) }
        waiter.cancel()
        await #expect(throws: CancellationError.self) { try await waiter.value }
    }
}
