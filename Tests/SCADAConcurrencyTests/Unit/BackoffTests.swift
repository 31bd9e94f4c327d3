import SCADAConcurrency
import Testing

@Suite struct BackoffTests {
    @Test func doublesUpToTheCapAndResets() {
        var backoff = Backoff(initial: .milliseconds(100), maximum: .seconds(1))
        let delays = (0..<6).map { _ in backoff.next() }
        #expect(delays == [.milliseconds(100), .milliseconds(200), .milliseconds(400), .milliseconds(800), .seconds(1), .seconds(1)])
        #expect(backoff.attempts == 6)
        backoff.reset()
        #expect(backoff.next() == .milliseconds(100))
    }

    @Test func jitterOnlyShortensTheDelay() {
        let backoff = Backoff(initial: .seconds(1), maximum: .seconds(8), jitter: 0.5)
        for attempt in 0..<10 {
            let delay = backoff.delay(forAttempt: attempt)
            let plain = Backoff(initial: .seconds(1), maximum: .seconds(8)).delay(forAttempt: attempt)
            #expect(delay <= plain && delay >= plain / 2)
        }
    }

    @Test func hugeAttemptCountsStayAtTheCap() {
        #expect(Backoff(initial: .milliseconds(1), maximum: .seconds(30)).delay(forAttempt: 10_000) == .seconds(30))
    }
}
