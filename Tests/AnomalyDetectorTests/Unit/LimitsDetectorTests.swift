import Testing
@testable import AnomalyDetector

@Suite struct LimitsDetectorTests {
    let rules = """
    rules:
      - {name: temp-limits, metric: m, detector: limits, hi: 30, hihi: 40, lo: 10, deadband: 1}
    """

    @Test func noiseInsideLimitsRaisesNothing() throws {
        let harness = try SyntheticHarness(rules)
        harness.feed(harness.noise(2_000, center: 20, amplitude: 8))
        #expect(harness.outputs.isEmpty)
    }

    @Test func spikeRaisesExactlyOneAlarm() throws {
        let harness = try SyntheticHarness(rules)
        harness.feed(harness.noise(100, center: 20, amplitude: 2) + [45] + harness.noise(100, center: 20, amplitude: 2))
        #expect(harness.transitions(.raised).count == 1)
        #expect(harness.transitions(.raised).first?.record.level == "hihi")
        #expect(harness.transitions(.raised).first?.record.severity == .critical)
        #expect(harness.transitions(.cleared).count == 1)
        #expect(harness.outputs.last?.record.state == .returnedUnacknowledged)
    }

    @Test func chatterWithinDeadbandRaisesOne() throws {
        let harness = try SyntheticHarness(rules)
        // Crossing hi = 30 back and forth within the 1-unit deadband.
        harness.feed([25] + (0..<200).map { $0 % 2 == 0 ? 30.4 : 29.3 } + [25])
        #expect(harness.transitions(.raised).count == 1)
        #expect(harness.transitions(.cleared).count == 1)
    }

    @Test func chatterBeyondDeadbandNeedsOffDelay() throws {
        let harness = try SyntheticHarness("""
        rules:
          - {name: temp-limits, metric: m, detector: limits, hi: 30, deadband: 0.1, offDelaySeconds: 5}
        """)
        harness.feed([25] + (0..<200).map { $0 % 2 == 0 ? 31 : 28 } + Array(repeating: 25, count: 10))
        #expect(harness.transitions(.raised).count == 1)
        #expect(harness.transitions(.cleared).count == 1)
    }

    @Test func onDelaySuppressesOneSampleBlip() throws {
        let harness = try SyntheticHarness("""
        rules:
          - {name: temp-limits, metric: m, detector: limits, hi: 30, onDelaySeconds: 2}
        """)
        harness.feed([20, 20, 35, 20, 20, 35, 20])
        #expect(harness.outputs.isEmpty)
        harness.feed([35, 35, 35])
        #expect(harness.transitions(.raised).count == 1)
    }

    @Test func escalationIsAnUpdateNotANewAlarm() throws {
        let harness = try SyntheticHarness(rules)
        harness.feed([20, 32, 42, 32, 20])
        #expect(harness.transitions(.raised).count == 1)
        let updates = harness.transitions(.updated)
        #expect(updates.map(\.record.level) == ["hihi", "hi"])
        // The MQTT topic moves with the severity: the warning message is cleared when it becomes critical.
        #expect(updates.first?.clearSeverity == .warning)
        #expect(Set(harness.outputs.map(\.record.alertId)).count == 1)
    }

    @Test func lowLimits() throws {
        let harness = try SyntheticHarness(rules)
        harness.feed([20, 9, 8, 20])
        #expect(harness.transitions(.raised).first?.record.level == "lo")
    }
}
