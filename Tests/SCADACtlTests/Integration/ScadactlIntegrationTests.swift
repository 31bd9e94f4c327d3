import AsyncHTTPClient
import Foundation
import SCADACore
import SCADAKafka
import SCADATestSupport
import Testing

/// `scadactl` (the built binary) against a real gateway fed by the simulator's fish tank through mosquitto, the
/// preprocessor, tansu and db-interface (nx-27017): every API command, its table and `--json` output, and its exit code.
@Suite(.serialized) struct ScadactlIntegrationTests {
    @Test func everyAPICommandAgainstTheRunningPipeline() async throws {
        let pipeline = try await CtlPipeline.start()
        do {
            try await exercise(pipeline)
        } catch {
            try? await pipeline.stop()
            throw error
        }
        try await pipeline.stop()
    }

    func exercise(_ pipeline: CtlPipeline) async throws {
        // devices / device / latest / completeness, once db-interface registered the tank and counted its samples.
        try await eventually("tank_01 registered with stored samples", timeout: .seconds(60)) {
            let run = try await pipeline.ctl("completeness", "--json")
            guard run.status == 0, let rows = try? JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [[String: Any]] else { return false }
            return rows.contains { ($0["device_id"] as? String) == "tank_01" && (($0["completeness"] as? [String: Any])?["stored"] as? Int ?? 0) > 3 }
        }
        let devices = try await pipeline.ctl("devices", token: Tokens.viewer)
        #expect(devices.status == 0, "\(devices)")
        #expect(devices.stdout.hasPrefix("DEVICE") && devices.stdout.contains("tank_01") && devices.stdout.contains("fish_tank"), "\(devices)")
        let filtered = try await pipeline.ctl("devices", "--type", "vehicle", "--json")
        #expect(filtered.status == 0 && filtered.stdout.contains("\"count\" : 0"), "\(filtered)")
        let device = try await pipeline.ctl("device", "tank_01")
        #expect(device.status == 0 && device.stdout.contains("completeness") && device.stdout.contains("factory/fishtank/tank_01"), "\(device)")
        let missing = try await pipeline.ctl("device", "no_such_device")
        #expect(missing.status == 3 && missing.stderr.contains("no_such_device"), "\(missing)")
        let latest = try await pipeline.ctl("latest", "tank_01", "--json")
        let latestObject = try #require(try JSONSerialization.jsonObject(with: Data(latest.stdout.utf8)) as? [String: Any], "\(latest)")
        #expect((latestObject["metrics"] as? [String: Any])?["temperature"] is Double)
        let latestTable = try await pipeline.ctl("latest", "tank_01")
        #expect(latestTable.status == 0 && latestTable.stdout.contains("temperature") && latestTable.stdout.contains("controller"), "\(latestTable)")
        let completeness = try await pipeline.ctl("completeness")
        #expect(completeness.status == 0 && completeness.stdout.hasPrefix("DEVICE") && completeness.stdout.contains("tank_01"), "\(completeness)")

        // history: raw rows and the CSV export.
        let from = String(nowMilliseconds - 600_000)   // epoch ms, as the API accepts
        try await eventually("raw history rows", timeout: .seconds(60)) {
            let run = try await pipeline.ctl("history", "tank_01", "temperature", "--from", from)
            return run.status == 0 && run.stdout.split(separator: "\n").count > 3
        }
        let csv = try await pipeline.ctl("history", "tank_01", "temperature", "--from", from, "--csv")
        #expect(csv.status == 0 && csv.stdout.split(separator: "\n").count > 3 && csv.stdout.contains(","), "\(csv)")
        let badRange = try await pipeline.ctl("history", "tank_01", "temperature", "--from", "2030-01-01T00:00:00Z", "--to", "2029-01-01T00:00:00Z")
        #expect(badRange.status == 2, "\(badRange)")

        // tail: live telemetry over SSE.
        let tail = try await pipeline.ctl("tail", "tank_01", "--count", "3", timeout: .seconds(30))
        #expect(tail.status == 0 && tail.stdout.split(separator: "\n").filter { $0.contains("tank_01") && $0.contains("temperature=") }.count == 3,
                "\(tail)")

        // command: the device's ack decides the exit code; viewers and bad tokens are refused.
        let heater = try await pipeline.command("tank_01", "set_controller", "--param", "mode=external")
        #expect(heater.status == 0 && heater.stdout.contains("accepted"), "\(heater)")
        let on = try await pipeline.command("tank_01", "set_heater", "--param", "on=true", "--json")
        #expect(on.status == 0 && on.stdout.contains("\"accepted\""), "\(on)")
        let rejected = try await pipeline.command("tank_01", "set_range", "--param", "min=30", "--param", "max=20")
        #expect(rejected.status == 6 && rejected.stdout.contains("rejected") && rejected.stdout.contains("min < max"), "\(rejected)")
        let viewer = try await pipeline.ctl("command", "tank_01", "set_heater", "--param", "on=false", token: Tokens.viewer)
        #expect(viewer.status == 4, "\(viewer)")
        let badToken = try await pipeline.ctl("devices", token: "not-a-valid-token")
        #expect(badToken.status == 4, "\(badToken)")
        _ = try await pipeline.command("tank_01", "set_controller", "--param", "mode=builtin")

        try await alarms(pipeline)

        // deadletters: a malformed payload from the simulator shows up.
        let fault = try await pipeline.command("tank_01", "inject_fault", "--param", "kind=malformed", "--param", "count=1")
        #expect(fault.status == 0, "\(fault)")
        try await eventually("the malformed payload in the dead letters", timeout: .seconds(60)) {
            let run = try await pipeline.ctl("deadletters")
            return run.status == 0 && run.stdout.contains("invalid_json")
        }

        // usage errors and an unreachable gateway.
        let usage = try await pipeline.ctl("shelve", "x", "--for", "soon")
        #expect(usage.status == 2, "\(usage)")
        let unknown = try await pipeline.ctl("frobnicate")
        #expect(unknown.status == 2, "\(unknown)")
        let closedPort = try Loopback.freePort()
        let unreachable = try await CommandLineTool.run(try CommandLineTool.builtProduct("scadactl"),
                                                        ["devices", "--url", "http://127.0.0.1:\(closedPort)", "--timeout", "3"])
        #expect(unreachable.status == 5, "\(unreachable)")
        let completion = try await CommandLineTool.run(try CommandLineTool.builtProduct("scadactl"), ["--generate-completion-script", "bash"])
        #expect(completion.status == 0 && completion.stdout.contains("_scadactl"), "\(completion.stderr)")
    }

    /// alarms / alarms --watch / ack / shelve, with this test playing the anomaly-detector on Kafka.
    func alarms(_ pipeline: CtlPipeline) async throws {
        let producer = try pipeline.producer()
        let raisedAt = nowMilliseconds
        let raised = AlertRecord(alertId: "tank_01:fish-tank-temperature:temperature", deviceId: "tank_01", deviceType: "fish_tank",
                                 rule: "fish-tank-temperature", detector: "limits", metric: "temperature", severity: .critical, priority: 1,
                                 state: .activeUnacknowledged, transition: .raised, value: 31.5, threshold: 27,
                                 message: "temperature 31.5 above 27", eventTime: raisedAt, raisedAt: raisedAt)
        @Sendable func publish(_ record: AlertRecord) async throws {
            let bytes = try record.jsonBytes()
            for topic in [Topics.alerts, Topics.alarmState] {
                _ = try await producer.send(KafkaProducerRecord(topic: topic, key: Array(record.alertId.utf8), value: bytes))
            }
        }
        try await publish(raised)
        try await eventually("the alarm listed", timeout: .seconds(60)) {
            let run = try await pipeline.ctl("alarms")
            return run.status == 0 && run.stdout.contains(raised.alertId) && run.stdout.contains("active_unacknowledged")
        }
        let detector = try KafkaConsumer(configuration: KafkaConsumerConfiguration(
            bootstrapServers: pipeline.kafka.bootstrapServers, groupID: "ctl-test-detector", topics: [Topics.alertActions],
            sessionTimeout: .milliseconds(6000)), logger: testLogger)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                var current = raised
                while !Task.isCancelled {
                    for message in try await detector.poll(maxMessages: 10, timeout: .milliseconds(200)) {
                        let action = try AlarmAction(jsonBytes: message.value)
                        current.sequence += 1
                        switch action.action {
                        case .acknowledge:
                            current.state = .activeAcknowledged
                            current.acknowledged = true
                            current.transition = .acknowledged
                        case .shelve:
                            current.state = .shelved
                            current.transition = .shelved
                            current.shelvedUntil = action.expiresAt
                        case .unshelve:
                            current.state = .activeAcknowledged
                            current.transition = .unshelved
                        }
                        current.eventTime = nowMilliseconds
                        current.actions.append(AlarmActionEntry(action: action.action, user: action.user, comment: action.comment,
                                                                at: nowMilliseconds, expiresAt: action.expiresAt, requestId: action.requestId))
                        try await publish(current)
                    }
                }
            }
            for await event in detector.events { if case .assigned = event { break } }
            // --watch prints the transitions the actions below cause.
            group.addTask {
                let watch = try await pipeline.ctl("alarms", "--watch", "--count", "2", timeout: .seconds(60))
                #expect(watch.status == 0, "\(watch)")
                #expect(watch.stdout.contains("acknowledged -> active_acknowledged") && watch.stdout.contains("shelved -> shelved"), "\(watch)")
            }
            try await eventually("alarms --watch connected", timeout: .seconds(30)) { try await pipeline.alertStreamClients() == 1 }
            let ack = try await pipeline.ctl("ack", raised.alertId, "--comment", "on it")
            #expect(ack.status == 0 && ack.stdout.contains("active_acknowledged"), "\(ack)")
            let shelve = try await pipeline.ctl("shelve", raised.alertId, "--for", "1h")
            #expect(shelve.status == 0 && shelve.stdout.contains("shelved"), "\(shelve)")
            let all = try await pipeline.ctl("alarms", "--all", "--json")
            #expect(all.stdout.contains("\"shelved\""), "\(all)")
            let viewerAck = try await pipeline.ctl("ack", raised.alertId, token: Tokens.viewer)
            #expect(viewerAck.status == 4, "\(viewerAck)")
            let unknownAlarm = try await pipeline.ctl("ack", "no-such-alarm")
            #expect(unknownAlarm.status == 3, "\(unknownAlarm)")
            // The watcher ends after its two transitions; then stop playing the detector.
            try await group.next()
            group.cancelAll()
        }
        await detector.close()
        await producer.shutdown()
    }
}
