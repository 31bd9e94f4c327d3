import Foundation

/// A measured quantity: a base value with a daily cycle, a slow mean-reverting drift
/// (Ornstein-Uhlenbeck) and white measurement noise.
public struct Signal: Sendable, Equatable {
    public var base: Double
    /// Standard deviation of the per-sample measurement noise.
    public var noise: Double
    /// Long-run standard deviation of the slow drift.
    public var drift: Double
    /// How long (simulated seconds) the drift takes to forget its past.
    public var driftTime: Double
    /// Half the peak-to-trough swing of the daily cycle.
    public var dailyAmplitude: Double
    /// Hour of the day (UTC) at which the daily cycle peaks.
    public var dailyPeakHour: Double
    /// The current drift offset.
    public private(set) var offset: Double = 0

    public init(base: Double, noise: Double = 0, drift: Double = 0, driftTime: Double = 3600,
                dailyAmplitude: Double = 0, dailyPeakHour: Double = 14) {
        self.base = base
        self.noise = noise
        self.drift = drift
        self.driftTime = driftTime
        self.dailyAmplitude = dailyAmplitude
        self.dailyPeakHour = dailyPeakHour
    }

    /// The noise-free value after `step` (base + daily cycle + drift); advances the drift.
    public mutating func advance(_ step: SimulationStep, random: inout SeededRandom) -> Double {
        if drift > 0, driftTime > 0 {
            let decay = exp(-step.seconds / driftTime)
            offset = offset * decay + drift * (1 - decay * decay).squareRoot() * random.gaussian()
        }
        return base + dailyCycle(step) + offset
    }

    /// A measurement after `step`: the underlying value plus noise.
    public mutating func sample(_ step: SimulationStep, random: inout SeededRandom) -> Double {
        let value = advance(step, random: &random)
        return noise > 0 ? value + random.gaussian(deviation: noise) : value
    }

    /// The daily-cycle contribution at the step's time of day.
    public func dailyCycle(_ step: SimulationStep) -> Double {
        guard dailyAmplitude != 0 else { return 0 }
        return dailyAmplitude * cos(2 * Double.pi * (step.hourOfDay - dailyPeakHour) / 24)
    }
}

/// First-order lag: moves `value` toward `target` with time constant `tau` (exact for any step length).
public func approach(_ value: Double, target: Double, tau: Double, seconds: Double) -> Double {
    guard tau > 0 else { return target }
    return target + (value - target) * exp(-seconds / tau)
}

/// A daily occupancy profile in 0...1: people present on working hours (8-18 UTC), ramping in and out.
public func occupancy(hour: Double) -> Double {
    switch hour {
    case 7..<8: return hour - 7
    case 8..<17: return 1
    case 17..<19: return (19 - hour) / 2
    default: return 0.05
    }
}
