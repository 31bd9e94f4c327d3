/// Capped exponential backoff with optional jitter: `initial`, `initial × factor`, … up to `maximum`.
///
/// A value type: keep one per retry loop, call ``next()`` after each failure and ``reset()`` after a success.
public struct Backoff: Sendable, Equatable {
    public var initial: Duration
    public var maximum: Duration
    public var factor: Double
    /// Fraction of each delay (0…1) replaced by a random amount, so that many clients do not retry in step.
    public var jitter: Double
    /// Failures since the last success.
    public private(set) var attempts = 0

    public init(initial: Duration = .milliseconds(100), maximum: Duration = .seconds(30), factor: Double = 2,
                jitter: Double = 0) {
        self.initial = initial
        self.maximum = max(initial, maximum)
        self.factor = max(1, factor)
        self.jitter = min(1, max(0, jitter))
    }

    /// The delay before the next attempt (and counts the failure).
    public mutating func next() -> Duration {
        defer { attempts += 1 }
        return delay(forAttempt: attempts)
    }

    /// After a success: the next failure waits `initial` again.
    public mutating func reset() { attempts = 0 }

    /// The delay after `attempt` failures (0-based), without jitter when `jitter` is 0.
    public func delay(forAttempt attempt: Int) -> Duration {
        let base = Self.seconds(initial) * pow(factor, Double(min(attempt, 64)))
        var seconds = min(Self.seconds(maximum), base)
        if jitter > 0 { seconds *= 1 - jitter * Double.random(in: 0..<1) }
        return .nanoseconds(Int64(seconds * 1e9))
    }

    /// Waits the next delay (see ``next()``); throws `CancellationError` when the task is cancelled.
    public mutating func wait() async throws {
        try await Task.sleep(for: next())
    }

    private static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    private func pow(_ base: Double, _ exponent: Double) -> Double {
        var result = 1.0
        var remaining = Int(exponent)
        while remaining > 0 && result < 1e12 { result *= base; remaining -= 1 }
        return result
    }
}
