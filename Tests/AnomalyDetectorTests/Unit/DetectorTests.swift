import SCADACore
import Testing
@testable import AnomalyDetector

@Suite struct RateOfChangeDetectorTests {
    let rules = "rules:\n  - {name: rate, metric: m, detector: rate_of_change, maxRate: 3, windowSeconds: 1, offDelaySeconds: 3}\n"

    @Test func slowNoiseRaisesNothing() throws {
        let harness = try SyntheticHarness(rules)
        harness.feed(harness.noise(1_000, center: 20, amplitude: 1))
        #expect(harness.outputs.isEmpty)
    }

    @Test func spikeRaisesExactlyOneAlarm() throws {
        let harness = try SyntheticHarness(rules)
        // Up and back down again: both steps are too fast, the off-delay makes it one alarm.
        harness.feed(harness.noise(50, center: 20, amplitude: 0.5) + [30] + harness.noise(50, center: 20, amplitude: 0.5))
        #expect(harness.transitions(.raised).count == 1)
        #expect(harness.transitions(.cleared).count == 1)
    }
}

@Suite struct StatisticalDetectorTests {
    @Test func zscoreNoiseSilentSpikeOnce() throws {
        let harness = try SyntheticHarness("rules:\n  - {name: z, metric: m, detector: zscore, threshold: 6, window: 60, warmup: 30}\n")
        harness.feed(harness.noise(2_000, center: 50, amplitude: 1))
        #expect(harness.outputs.isEmpty)
        harness.feed([70] + harness.noise(100, center: 50, amplitude: 1))
        #expect(harness.transitions(.raised).count == 1)
    }

    @Test func zscoreSilentDuringWarmup() throws {
        let harness = try SyntheticHarness("rules:\n  - {name: z, metric: m, detector: zscore, threshold: 3, window: 60, warmup: 30}\n")
        harness.feed([50, 51, 49, 90, 50, 51])
        #expect(harness.outputs.isEmpty)
    }

    @Test func ewmaCatchesSlowDriftNotNoise() throws {
        let rules = "rules:\n  - {name: drift, metric: m, detector: ewma, lambda: 0.1, limit: 6, warmup: 120, baselineWindow: 3600, minDeviation: 1}\n"
        let harness = try SyntheticHarness(rules)
        harness.feed(harness.noise(3_000, center: 25, amplitude: 0.3))
        #expect(harness.outputs.isEmpty)
        // 0.02 per second: ten times slower than the noise band per sample, never a step.
        harness.feed((0..<600).map { 25 + 0.02 * Double($0) + harness.noise(1, center: 0, amplitude: 0.3)[0] })
        #expect(harness.transitions(.raised).count == 1)
    }
}

@Suite struct StuckDetectorTests {
    let rules = "rules:\n  - {name: stuck, metric: m, detector: stuck, samples: 20, minMagnitude: 0}\n"

    @Test func changingValuesRaiseNothing() throws {
        let harness = try SyntheticHarness(rules)
        harness.feed(harness.noise(1_000, center: 20, amplitude: 1))
        #expect(harness.outputs.isEmpty)
    }

    @Test func frozenValueRaisesOnceAndClearsAtChange() throws {
        let harness = try SyntheticHarness(rules)
        harness.feed([20.1, 20.3] + Array(repeating: 20.2, count: 60) + [20.5, 20.7])
        #expect(harness.transitions(.raised).count == 1)
        #expect(harness.transitions(.cleared).count == 1)
    }

    @Test func zeroOfAStoppedMachineIsNotStuck() throws {
        let harness = try SyntheticHarness(rules)
        harness.feed(Array(repeating: 0, count: 100))
        #expect(harness.outputs.isEmpty)
    }
}

@Suite struct SilenceDetectorTests {
    let rules = "rules:\n  - {name: silence, detector: silence, timeoutSeconds: 10, severity: critical}\n"

    @Test func regularDataRaisesNothing() throws {
        let harness = try SyntheticHarness(rules)
        for _ in 0..<50 { harness.feed([1]); harness.tick(afterMs: 0) }
        #expect(harness.outputs.isEmpty)
    }

    @Test func silenceRaisesOnceAndDataClears() throws {
        let harness = try SyntheticHarness(rules)
        harness.feed([1, 2, 3])
        for _ in 0..<30 { harness.tick(afterMs: 1_000) }
        #expect(harness.transitions(.raised).count == 1)
        #expect(harness.transitions(.raised).first?.record.metric == nil)
        #expect(harness.transitions(.raised).first?.record.alertId == "D1:silence")
        harness.feed([4])
        #expect(harness.transitions(.cleared).count == 1)
    }

    @Test func lastWillRaisesAndSuppressesValueAlarms() throws {
        let harness = try SyntheticHarness("""
        rules:
          - {name: silence, detector: silence, timeoutSeconds: 60}
          - {name: limits, metric: m, detector: limits, hi: 10}
        """)
        harness.feed([20])
        #expect(harness.transitions(.raised).count == 1)
        harness.evaluator.status(DeviceStatusRecord(deviceId: "D1", status: .offline, eventTime: harness.time,
                                                    receiveTime: harness.time, sourceTopic: "status/D1"), partition: 0)
        let after = harness.evaluator.takeOutputs()
        #expect(after.contains { $0.record.rule == "silence" && $0.record.transition == .raised && $0.record.level == "offline" })
        #expect(after.contains { $0.record.rule == "limits" && $0.record.state == .suppressed && !$0.retain })
    }
}

@Suite struct SequenceGapDetectorTests {
    let rules = "rules:\n  - {name: gap, detector: seq_gap, holdSeconds: 10}\n"

    @Test func consecutiveAndDuplicateSeqRaiseNothing() throws {
        var detector = SequenceGapDetector(.init(holdSeconds: 10))
        for seq in [1, 2, 3, 3, 4, 5] as [Int64] { #expect(!detector.evaluate(seq: seq, time: seq * 1000).active) }
    }

    @Test func gapBurstIsOneAlarm() throws {
        let harness = try SyntheticHarness(rules)
        harness.feed(Array(repeating: 1, count: 10))
        harness.seq += 5
        harness.feed([1, 1])
        harness.seq += 3
        harness.feed(Array(repeating: 1, count: 30))
        #expect(harness.transitions(.raised).count == 1)
        #expect(harness.transitions(.raised).first?.record.level == "seq_gap")
        #expect(harness.transitions(.cleared).count == 1)
    }

    @Test func outOfOrderIsReported() throws {
        var detector = SequenceGapDetector(.init(holdSeconds: 10))
        _ = detector.evaluate(seq: 10, time: 0)
        _ = detector.evaluate(seq: 11, time: 1)
        let condition = detector.evaluate(seq: 8, time: 2)
        #expect(condition.active && condition.level == .outOfOrder)
    }
}

@Suite struct FlagDetectorTests {
    @Test func plcAlarmFlag() throws {
        let harness = try SyntheticHarness("rules:\n  - {name: plc-alarm, state: alarm, detector: flag, equals: true}\n")
        harness.feed([1, 1], states: ["alarm": .bool(false)])
        #expect(harness.outputs.isEmpty)
        harness.feed([1, 1, 1], states: ["alarm": .bool(true)])
        harness.feed([1], states: ["alarm": .bool(false)])
        #expect(harness.transitions(.raised).count == 1)
        #expect(harness.transitions(.raised).first?.record.metric == "alarm")
        #expect(harness.transitions(.cleared).count == 1)
    }

    @Test func gridStatusNotNormal() throws {
        let harness = try SyntheticHarness("rules:\n  - {name: grid, state: grid_status, detector: flag, notEquals: normal}\n")
        harness.feed([1], type: "energy", states: ["grid_status": .string("normal")])
        harness.feed([1], type: "energy", states: ["grid_status": .string("disconnected")])
        #expect(harness.transitions(.raised).count == 1)
    }
}
