import SCADACore
import Testing
@testable import AnomalyDetector

@Suite struct AlarmLifecycleTests {
    func fresh() -> AlertRecord {
        AlertRecord(alertId: AlertRecord.alarmID(device: "D1", rule: "r", metric: "m"), deviceId: "D1", rule: "r", metric: "m",
                    severity: .warning, state: .normal, value: nil, threshold: nil, message: "", eventTime: 0, sequence: 0)
    }
    let hi = Condition(active: true, severity: .warning, level: .hi, value: 31, threshold: 30)

    func action(_ kind: AlarmAction.Kind, expires: Int64? = nil, id: String = "req") -> AlarmAction {
        AlarmAction(alarmId: "D1:r:m", action: kind, user: "alice", comment: "seen", expiresAt: expires, requestId: id)
    }

    @Test func raiseAckClear() throws {
        var alarm = fresh()
        #expect(AlarmLifecycle.raise(&alarm, hi, at: 1) == .raised)
        #expect(alarm.state == .activeUnacknowledged && alarm.sequence == 1 && alarm.raisedAt == 1)
        #expect(AlarmLifecycle.raise(&alarm, hi, at: 2) == nil)
        #expect(try AlarmLifecycle.apply(action(.acknowledge), to: &alarm, at: 3).get() == .acknowledged)
        #expect(alarm.state == .activeAcknowledged && alarm.acknowledged)
        #expect(alarm.actions == [AlarmActionEntry(action: .acknowledge, user: "alice", comment: "seen", at: 3, requestId: "req")])
        #expect(AlarmLifecycle.clear(&alarm, value: 20, at: 4) == .cleared)
        #expect(alarm.state == .normal && alarm.sequence == 3 && alarm.clearedAt == 4)
    }

    @Test func clearBeforeAckThenAck() throws {
        var alarm = fresh()
        _ = AlarmLifecycle.raise(&alarm, hi, at: 1)
        #expect(AlarmLifecycle.clear(&alarm, value: 20, at: 2) == .cleared)
        #expect(alarm.state == .returnedUnacknowledged && alarm.state.needsAttention)
        // Raised again before anyone acknowledged: the same alarm, active again.
        #expect(AlarmLifecycle.raise(&alarm, hi, at: 3) == .raised)
        _ = AlarmLifecycle.clear(&alarm, value: 20, at: 4)
        #expect(try AlarmLifecycle.apply(action(.acknowledge), to: &alarm, at: 5).get() == .acknowledged)
        #expect(alarm.state == .normal)
    }

    @Test func ackOfNormalAlarmIsRejected() {
        var alarm = fresh()
        guard case .failure = AlarmLifecycle.apply(action(.acknowledge), to: &alarm, at: 1) else {
            Issue.record("acknowledging a normal alarm must fail")
            return
        }
        #expect(alarm.actions.isEmpty)
    }

    @Test func shelveHidesAndExpiryReturnsToCondition() throws {
        var alarm = fresh()
        _ = AlarmLifecycle.raise(&alarm, hi, at: 1)
        #expect(try AlarmLifecycle.apply(action(.shelve, expires: 100), to: &alarm, at: 2).get() == .shelved)
        #expect(alarm.state == .shelved && alarm.shelvedUntil == 100 && !alarm.state.needsAttention)
        // The condition goes and comes while shelved: no transitions.
        #expect(AlarmLifecycle.clear(&alarm, value: 1, at: 3) == nil)
        #expect(AlarmLifecycle.raise(&alarm, hi, at: 4) == nil)
        #expect(AlarmLifecycle.expireShelve(&alarm, now: 50) == nil)
        #expect(AlarmLifecycle.expireShelve(&alarm, now: 100) == .unshelved)
        #expect(alarm.state == .activeUnacknowledged && alarm.shelvedUntil == nil)
    }

    @Test func unshelveWhileConditionAbsentIsNormal() throws {
        var alarm = fresh()
        _ = AlarmLifecycle.raise(&alarm, hi, at: 1)
        _ = try AlarmLifecycle.apply(action(.shelve, expires: 100), to: &alarm, at: 2).get()
        _ = AlarmLifecycle.clear(&alarm, value: 1, at: 3)
        #expect(try AlarmLifecycle.apply(action(.unshelve, id: "r2"), to: &alarm, at: 4).get() == .unshelved)
        #expect(alarm.state == .normal)
        #expect(alarm.actions.map(\.action) == [.shelve, .unshelve])
    }

    @Test func shelveNeedsAFutureExpiry() {
        var alarm = fresh()
        guard case .failure = AlarmLifecycle.apply(action(.shelve, expires: nil), to: &alarm, at: 1),
              case .failure = AlarmLifecycle.apply(action(.shelve, expires: 1), to: &alarm, at: 5) else {
            Issue.record("shelve without a future expires_at must fail")
            return
        }
    }

    @Test func suppressAndUnsuppress() {
        var alarm = fresh()
        #expect(AlarmLifecycle.suppress(&alarm, at: 1) == nil)
        _ = AlarmLifecycle.raise(&alarm, hi, at: 2)
        #expect(AlarmLifecycle.suppress(&alarm, at: 3) == .suppressed)
        #expect(AlarmLifecycle.unsuppress(&alarm, at: 4) == .unsuppressed)
        #expect(alarm.state == .normal && !alarm.active)
    }

    @Test func actionHistoryIsBounded() throws {
        var alarm = fresh()
        for index in 0..<10 {
            _ = AlarmLifecycle.raise(&alarm, hi, at: Int64(index * 10))
            _ = AlarmLifecycle.apply(action(.acknowledge, id: "r\(index)"), to: &alarm, at: Int64(index * 10 + 1), keep: 3)
            _ = AlarmLifecycle.clear(&alarm, value: 1, at: Int64(index * 10 + 2))
        }
        #expect(alarm.actions.map(\.requestId) == ["r7", "r8", "r9"])
    }

    @Test func delayGate() {
        var gate = DelayGate()
        #expect(gate.step(active: true, time: 0, onDelayMs: 2_000, offDelayMs: 0) == .none)
        #expect(gate.step(active: false, time: 1_000, onDelayMs: 2_000, offDelayMs: 0) == .none)
        #expect(gate.step(active: true, time: 2_000, onDelayMs: 2_000, offDelayMs: 0) == .none)
        #expect(gate.step(active: true, time: 4_000, onDelayMs: 2_000, offDelayMs: 0) == .raised)
        #expect(gate.step(active: false, time: 5_000, onDelayMs: 2_000, offDelayMs: 3_000) == .none)
        #expect(gate.step(active: false, time: 8_000, onDelayMs: 2_000, offDelayMs: 3_000) == .cleared)
    }
}

@Suite struct EvaluatorActionTests {
    @Test func actionsThroughTheEvaluatorAreRecordedOnceAndRestoreKeepsState() throws {
        let harness = try SyntheticHarness("rules:\n  - {name: r, metric: m, detector: limits, hi: 30}\n")
        harness.feed([20, 35])
        let id = try #require(harness.transitions(.raised).first?.record.alertId)
        let ack = AlarmAction(alarmId: id, action: .acknowledge, user: "bob", requestId: "a1")
        guard case .applied(let record) = harness.evaluator.apply(ack, now: harness.time + 1) else {
            Issue.record("ack not applied")
            return
        }
        #expect(record.state == .activeAcknowledged && record.actions.first?.user == "bob")
        #expect(harness.evaluator.apply(ack, now: harness.time + 2) == .duplicate)
        #expect(harness.evaluator.apply(AlarmAction(alarmId: "nope", action: .acknowledge, user: "bob"), now: 0) == .notOwned)

        // A new evaluator restored from the alarm's state keeps it active and does not raise it again.
        let restored = Evaluator(rules: harness.evaluator.rules)
        restored.restore(partition: 0, alarms: harness.evaluator.alarms)
        restored.evaluate(TelemetryRecord(deviceId: "D1", deviceType: "manufacturing", eventTime: harness.time + 1_000,
                                          receiveTime: harness.time + 1_000, metrics: ["m": 36], sourceTopic: "t"), partition: 0)
        #expect(!restored.hasOutputs)
        restored.evaluate(TelemetryRecord(deviceId: "D1", deviceType: "manufacturing", eventTime: harness.time + 2_000,
                                          receiveTime: harness.time + 2_000, metrics: ["m": 20], sourceTopic: "t"), partition: 0)
        let cleared = restored.takeOutputs()
        #expect(cleared.count == 1 && cleared.first?.record.transition == .cleared && cleared.first?.record.state == .normal)
        #expect(cleared.first?.record.sequence == 3)
    }

    @Test func shelveExpiresOnTheTimer() throws {
        let harness = try SyntheticHarness("rules:\n  - {name: r, metric: m, detector: limits, hi: 30}\n")
        harness.feed([20, 35])
        let id = try #require(harness.transitions(.raised).first?.record.alertId)
        _ = harness.take()
        _ = harness.evaluator.apply(AlarmAction(alarmId: id, action: .shelve, user: "bob", expiresAt: harness.time + 5_000,
                                                requestId: "s1"), now: harness.time)
        #expect(harness.evaluator.takeOutputs().first?.retain == false)
        harness.tick(afterMs: 1_000)
        #expect(harness.outputs.isEmpty)
        harness.tick(afterMs: 5_000)
        #expect(harness.outputs.map(\.record.transition) == [.unshelved])
        #expect(harness.outputs.first?.record.state == .activeUnacknowledged)
    }
}
