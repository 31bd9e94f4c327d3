import Testing
@testable import PLCSimulator

@Suite struct SignalTests {
    @Test func sameSeedSameNumbersDifferentSeedDifferentNumbers() {
        var a = SeededRandom(seed: 7, stream: "LINE1-PLC")
        var b = SeededRandom(seed: 7, stream: "LINE1-PLC")
        var c = SeededRandom(seed: 8, stream: "LINE1-PLC")
        var d = SeededRandom(seed: 7, stream: "LINE2-PLC")
        let first = (0..<100).map { _ in a.next() }
        #expect(first == (0..<100).map { _ in b.next() })
        #expect(first != (0..<100).map { _ in c.next() })
        #expect(first != (0..<100).map { _ in d.next() })
    }

    @Test func gaussianHasTheAskedMeanAndDeviation() {
        var random = SeededRandom(seed: 1)
        let samples = (0..<20_000).map { _ in random.gaussian(mean: 5, deviation: 2) }
        let mean = samples.reduce(0, +) / Double(samples.count)
        let variance = samples.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(samples.count)
        #expect(abs(mean - 5) < 0.05)
        #expect(abs(variance.squareRoot() - 2) < 0.05)
    }

    @Test func signalFollowsItsDailyCycleAndStaysNearBase() {
        var signal = Signal(base: 20, noise: 0.1, drift: 0.5, driftTime: 3600, dailyAmplitude: 3, dailyPeakHour: 15)
        var random = SeededRandom(seed: 3)
        let midnight = 1_736_899_200.0  // 2025-01-15T00:00:00Z
        var byHour: [Double] = []
        for hour in 0..<24 {
            let step = SimulationStep(time: midnight + Double(hour) * 3600, seconds: 3600)
            byHour.append(signal.sample(step, random: &random))
        }
        #expect(byHour[15] > byHour[3] + 3)  // peak afternoon vs night trough
        #expect(byHour.allSatisfy { (15...25).contains($0) })
    }

    @Test func deviceOutputIsDeterministicForASeed() {
        for profile in DeviceProfiles.names {
            var a = makeDevice(profile, seed: 99)
            var b = makeDevice(profile, seed: 99)
            var c = makeDevice(profile, seed: 100)
            let first = produce(&a, count: 50).compactMap(\.message?.payload)
            #expect(first == produce(&b, count: 50).compactMap(\.message?.payload), "\(profile)")
            #expect(first != produce(&c, count: 50).compactMap(\.message?.payload), "\(profile)")
        }
    }

    @Test func firstOrderLagIsExactForLongSteps() {
        let oneStep = approach(0, target: 10, tau: 100, seconds: 200)
        var value = 0.0
        for _ in 0..<200 { value = approach(value, target: 10, tau: 100, seconds: 1) }
        #expect(abs(oneStep - value) < 1e-9)
    }
}
