import SCADACore
import Testing
@testable import AnomalyDetector

/// At-least-once delivery brings some samples twice (a PLC re-sending what got no PUBACK across a broker
/// restart, records redelivered after a rebalance). A sample evaluated twice raised an alarm that had
/// already cleared a second time (`make chaos`, mosquitto-restart); the detector now skips what it has seen.
@Suite struct DuplicateFilterTests {
    /// Feeds (seq, event time) samples through one filter; true for each one admitted.
    private func admitted(_ samples: [(Int64?, Int64)]) -> [Bool] {
        var filter = DuplicateFilter()
        return samples.map { filter.admit(seq: $0.0, eventTime: $0.1) }
    }

    @Test func aSeqSeenBeforeIsADuplicateAndALateOneIsNot() {
        // 10, 12, 10 again (redelivered), 11 (late, not seen), 11 and 12 again, 13.
        let results = admitted([(10, 10_000), (12, 12_000), (10, 10_000), (11, 11_000), (11, 11_000), (12, 12_000), (13, 13_000)])
        #expect(results == [true, true, false, true, false, false, true])
    }

    @Test func aCounterThatRestartsStartsANewSequence() {
        let first = (1...50).map { (Int64?($0), Int64($0) * 1_000) }
        // The device restarted: seq 1 again, newer than everything before; then 2, 2 again, and a sample of
        // the old sequence redelivered now (old: skipped).
        let results = admitted(first + [(1, 60_000), (2, 61_000), (2, 61_000), (1, 1_000)])
        #expect(results == Array(repeating: true, count: 50) + [true, true, false, false])
    }

    @Test func theWindowSlidesAndForgetsWhatItPassed() {
        let window = DuplicateFilter.window
        let results = admitted([
            (5, 5), (5 + window, 6),
            (5, 5),  // its bit was reused; now further back than the window: too old
            (6 + window, 7),
            (6 + 3 * window, 8),  // a jump past the whole window
            (5 + 3 * window, 7),  // late, not seen: its bit was cleared
            (6 + 3 * window, 8),
        ])
        #expect(results == [true, true, false, true, true, true, false])
    }

    @Test func withoutASeqTheEventTimeStandsIn() {
        let later = (3...40).map { (Int64?.none, Int64($0) * 1_000) }
        let results = admitted([(nil, 1_000), (nil, 2_000), (nil, 1_000)] + later + [(nil, 1_000)])
        // Remembered for the last `recentTimes` samples only: 1,000 is new again at the end.
        #expect(results == [true, true, false] + Array(repeating: true, count: later.count) + [true])
    }

    /// The chaos scenario in small: spike raised, cleared, then the spike sample comes again.
    @Test func aRedeliveredFaultSampleDoesNotRaiseAClearedAlarmAgain() throws {
        let harness = try SyntheticHarness("""
        rules:
          - {name: hot, metric: m, detector: limits, hi: 30}
        """)
        let start = harness.time
        harness.feed([25, 25, 40, 25])
        #expect(harness.transitions(.raised).count == 1)
        #expect(harness.transitions(.cleared).count == 1)
        let spike = TelemetryRecord(deviceId: "D1", deviceType: "manufacturing", site: "plant", line: "l1", eventTime: start + 3_000,
                                    receiveTime: start + 3_000, seq: 3, metrics: ["m": 40], sourceTopic: "t")
        #expect(!harness.evaluator.evaluate(spike, partition: 0))
        harness.feed([25])
        #expect(harness.evaluator.takeOutputs().isEmpty)
        #expect(harness.transitions(.raised).count == 1)
        #expect(harness.evaluator.duplicatesSkipped == 1)
        #expect(harness.evaluator.evaluated == 5)
    }

    @Test func aRedeliveredSampleIsNotOutOfOrder() throws {
        let harness = try SyntheticHarness("""
        rules:
          - {name: loss, detector: seq_gap}
        """)
        harness.feed([1, 1, 1, 1])
        let again = TelemetryRecord(deviceId: "D1", deviceType: "manufacturing", eventTime: harness.time - 2_000,
                                    receiveTime: harness.time + 10, seq: 2, metrics: ["m": 1], sourceTopic: "t")
        harness.evaluator.evaluate(again, partition: 0)
        harness.feed([1, 1])
        #expect(harness.transitions(.raised).isEmpty)
    }
}
