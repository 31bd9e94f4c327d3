import Foundation
import SCADACore
import SCADAKafka
import SCADAMQTT
import SCADATestSupport
import Testing
@testable import Preprocessor

/// The preprocessor against real mosquitto and tansu.
@Suite(.serialized) struct BridgeIntegrationTests {
    /// Every decoder produces its record; every validation reason lands in the dead-letter topic with
    /// the original bytes, the reason and the source topic; statuses go to the status topic; nothing else appears.
    @Test func everyDecoderAndEveryReason() async throws {
        let servers = try await Servers.start()
        defer { servers.shutdown() }
        let preprocessor = try await RunningPreprocessor.start(servers) { configuration in
            configuration.input.topics = ["factory/#", "status/#", "plant/#"]
        }
        let publisher = try await makePublisher(servers)
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        let valid: [(topic: String, payload: String, type: String)] = [
            ("factory/line1", SamplePayloads.manufacturing, "manufacturing"),
            ("factory/line2", SamplePayloads.seedManufacturing, "manufacturing"),
            ("factory/energy", SamplePayloads.energy, "energy"),
            ("factory/environment", SamplePayloads.environment, "environment"),
            ("factory/cnc/CNC001", SamplePayloads.cnc, "cnc"),
            ("factory/collector", SamplePayloads.seedCNC, "cnc"),
            ("factory/vehicles/vehicle_01", SamplePayloads.vehicle, "vehicle"),
            ("factory/fishtank/tank_01", SamplePayloads.fishTank, "fish_tank"),
            ("factory/fishtank/tank_01/range", SamplePayloads.fishTankRange, "fish_tank_range"),
            ("factory/pumps/pump-7", SamplePayloads.generic, "generic"),
        ]
        let invalid: [(topic: String, payload: [UInt8], reason: RejectReason)] = [
            ("factory/line1", [0xFF, 0xFE, 0x01], .notUTF8),
            ("factory/line1", Array("plc_id=1".utf8), .invalidJSON),
            ("factory/line1", Array(#"{"timestamp":1747379028000,"temperature":20}"#.utf8), .missingField),
            ("factory/line1", Array(#"{"plc_id":"P","timestamp":1747379028000,"temperature":"hot"}"#.utf8), .wrongType),
            ("factory/line1", Array(#"{"plc_id":"P","timestamp":1747379028000,"temperature":NaN}"#.utf8), .nonFiniteNumber),
            ("factory/line1", Array(#"{"plc_id":"P","timestamp":"noon","temperature":1}"#.utf8), .badTimestamp),
            ("factory/line1", Array("{\"plc_id\":\"P\",\"timestamp\":\(now + 3_600_000),\"temperature\":1}".utf8), .timestampInFuture),
            ("factory/line1", Array(("{\"plc_id\":\"P\",\"timestamp\":1747379028000,\"pad\":\"" + String(repeating: "x", count: 70_000) + "\"}").utf8), .payloadTooLarge),
            ("factory/line1", Array(("{\"plc_id\":\"P\",\"timestamp\":1747379028000," + (0..<300).map { "\"m\($0)\":\($0)" }.joined(separator: ",") + "}").utf8), .tooManyFields),
            ("factory/line1", Array(#"{"plc_id":"P","timestamp":1747379028000,"a":{"b":{"c":{"d":{"e":{"f":{"g":{"h":{"i":1}}}}}}}}}"#.utf8), .tooDeep),
            ("plant/other", Array(SamplePayloads.generic.utf8), .noDecoder),
        ]
        let telemetryConsumer = try makeConsumer(servers, topics: [Topics.telemetry])
        let deadLetterConsumer = try makeConsumer(servers, topics: [Topics.deadLetter])
        let statusConsumer = try makeConsumer(servers, topics: [Topics.deviceStatus])

        for message in valid { try await publisher.publish(topic: message.topic, payload: Array(message.payload.utf8)) }
        for message in invalid { try await publisher.publish(topic: message.topic, payload: message.payload) }
        try await publisher.publish(topic: "status/tank_01", payload: Array("online".utf8))
        try await publisher.publish(topic: "factory/fishtank/tank_01/commands", payload: Array(#"{"command":"set_heater"}"#.utf8))

        let telemetry = try await telemetryConsumer.consume(count: valid.count)
        let deadLetters = try await deadLetterConsumer.consume(count: invalid.count)
        let statuses = try await statusConsumer.consume(count: 1)
        let extra = try await telemetryConsumer.drain(for: .seconds(1)) + deadLetterConsumer.drain(for: .milliseconds(300))
            + statusConsumer.drain(for: .milliseconds(300))

        #expect(telemetry.count == valid.count)
        let records = try telemetry.map { try TelemetryRecord(jsonBytes: $0.value) }
        for message in valid {
            let record = records.first { $0.sourceTopic == message.topic }
            #expect(record?.deviceType == message.type, "\(message.topic)")
            #expect(telemetry.first { (try? TelemetryRecord(jsonBytes: $0.value))?.sourceTopic == message.topic }?.key
                    == record.map { Array($0.deviceId.utf8) }, "keyed by device id")
        }
        #expect(deadLetters.count == invalid.count)
        for message in invalid {
            let letter = deadLetters.first { $0.value == message.payload && $0.header(DeadLetter.sourceHeader) == message.topic }
            #expect(letter?.header(DeadLetter.reasonHeader) == message.reason.rawValue, "\(message.reason)")
            #expect(letter?.header(DeadLetter.serviceHeader) == "preprocessor")
            #expect(letter?.header(DeadLetter.detailHeader)?.isEmpty == false)
        }
        #expect(statuses.count == 1)
        let status = try statuses.first.map { try DeviceStatusRecord(jsonBytes: $0.value) }
        #expect(status?.deviceId == "tank_01" && status?.status == .online)
        #expect(extra.isEmpty, "nothing else may appear: \(extra.count) more")
        #expect(preprocessor.metric("preprocessor_messages_invalid_total") == Double(invalid.count))
        #expect(preprocessor.metric("preprocessor_messages_ignored_total") == 1)

        await publisher.disconnect()
        await telemetryConsumer.close()
        await deadLetterConsumer.close()
        await statusConsumer.close()
        try await preprocessor.stop()
    }

    /// Kafka frozen for 30 s while devices keep publishing: with a small in-flight limit and buffer the
    /// preprocessor stops taking from MQTT, the broker queues for its persistent session, and when Kafka
    /// returns every message arrives exactly once, in order per device.
    @Test func kafkaOutageOfThirtySecondsLosesNothing() async throws {
        let servers = try await Servers.start()
        defer { servers.shutdown() }
        let preprocessor = try await RunningPreprocessor.start(servers) { configuration in
            configuration.output.maxInFlight = 200
            configuration.input.bufferMessages = 100
            configuration.input.batchSize = 50
            // The 30 s outage is four times longer than 1.5 × keepalive: the session must stay up all along.
            configuration.input.keepAliveSeconds = 5
        }
        let publisher = try await makePublisher(servers)
        let devices = ["D1", "D2", "D3", "D4"]
        var seq = 0
        func publishRound() async throws {
            seq += 1
            for device in devices { try await publisher.publish(topic: "factory/line1", payload: linePayload(device: device, seq: seq)) }
        }
        for _ in 0..<25 { try await publishRound() }
        let consumer = try makeConsumer(servers, topics: [Topics.telemetry])
        let before = try await consumer.consume(count: 100)
        #expect(before.count == 100)

        servers.kafka.pause()
        let outageStart = ContinuousClock.now
        for _ in 0..<250 {
            try await publishRound()
            try await Task.sleep(for: .milliseconds(100))
        }
        let publishedDuringOutage = 250 * devices.count
        let remaining = Duration.seconds(30) - (ContinuousClock.now - outageStart)
        if remaining > .zero { try await Task.sleep(for: remaining) }
        let queuedAtBroker = preprocessor.metric("preprocessor_messages_received_total") < Double(100 + publishedDuringOutage)
        servers.kafka.resume()

        let after = try await consumer.consume(count: publishedDuringOutage, timeout: .seconds(90))
        let extra = try await consumer.drain(for: .seconds(2))
        // The test's own consumer loses its group session during the outage and may read again from the
        // start: a Kafka record is identified by partition and offset, so re-reads are folded together.
        var seen = Set<String>()
        let all = (before + after + extra).filter { seen.insert("\($0.partition):\($0.offset)").inserted }
            .sorted { ($0.partition, $0.offset) < ($1.partition, $1.offset) }
        let identities = try all.map(identity)
        #expect(all.count == 100 + publishedDuringOutage)
        #expect(preprocessor.metric("preprocessor_mqtt_disconnects_total") == 0, "the MQTT session stayed up during the outage")
        #expect(Set(identities).count == 100 + publishedDuringOutage, "every (device, seq) exactly once")
        #expect(queuedAtBroker, "intake must pause while Kafka is away (the broker queues)")
        for device in devices {
            let seqs = try all.compactMap { message -> Int64? in
                let record = try TelemetryRecord(jsonBytes: message.value)
                return record.deviceId == device ? record.seq : nil
            }
            #expect(seqs == (1...Int64(seq)).map { $0 }, "order of \(device)")
        }
        #expect(preprocessor.metric("preprocessor_delivery_failures_total") == 0)
        await publisher.disconnect()
        await consumer.close()
        try await preprocessor.stop()
    }

    /// Two replicas on one MQTT 5 shared subscription: together they deliver each message exactly once.
    @Test func twoReplicasShareTheLoad() async throws {
        let servers = try await Servers.start()
        defer { servers.shutdown() }
        let first = try await RunningPreprocessor.start(servers, clientID: "pp-a") { $0.input.sharedGroup = "preprocessor" }
        let second = try await RunningPreprocessor.start(servers, clientID: "pp-b") { $0.input.sharedGroup = "preprocessor" }
        let publisher = try await makePublisher(servers)
        let consumer = try makeConsumer(servers, topics: [Topics.telemetry])
        let count = 2000
        for index in 0..<count {
            try await publisher.publish(topic: "factory/line\(index % 4 + 1)", payload: linePayload(device: "S\(index % 4)", seq: index))
        }
        let received = try await consumer.consume(count: count)
        let extra = try await consumer.drain(for: .seconds(2))
        #expect(received.count == count && extra.isEmpty)
        #expect(Set(try received.map(identity)).count == count)
        let (a, b) = (first.metric("preprocessor_messages_valid_total"), second.metric("preprocessor_messages_valid_total"))
        #expect(a > 0 && b > 0 && a + b == Double(count), "split \(a) + \(b)")
        await publisher.disconnect()
        await consumer.close()
        try await first.stop()
        try await second.stop()
    }

    /// A graceful stop mid-stream hands everything received to Kafka; a restart with the same client id
    /// picks up what the broker queued meanwhile: nothing is lost.
    @Test func restartMidStreamLosesNothing() async throws {
        let servers = try await Servers.start()
        defer { servers.shutdown() }
        var preprocessor = try await RunningPreprocessor.start(servers, clientID: "pp-restart")
        let publisher = try await makePublisher(servers)
        let count = 3000
        let published = Locked(0)
        let publishing = Task {
            for index in 0..<count {
                try await publisher.publish(topic: "factory/line1", payload: linePayload(device: "R\(index % 3)", seq: index / 3))
                published.withLock { $0 += 1 }
                if index % 100 == 0 { try await Task.sleep(for: .milliseconds(20)) }  // paces the stream (a PLC's rate)
            }
        }
        // Stop once the first instance is handling the stream, start again once the broker has queued more for it.
        let running = preprocessor
        try await eventually("the first instance produces", timeout: .seconds(20), interval: .milliseconds(10)) {
            running.metric("preprocessor_records_produced_total") >= 300
        }
        try await preprocessor.stop()
        let handledByFirst = preprocessor.metric("preprocessor_records_produced_total")
        let publishedAtStop = published.value
        try await eventually("messages queue at the broker while the preprocessor is away", timeout: .seconds(20),
                             interval: .milliseconds(10)) {
            published.value >= min(count, publishedAtStop + 300)
        }
        preprocessor = try await RunningPreprocessor.start(servers, clientID: "pp-restart")
        try await publishing.value
        let consumer = try makeConsumer(servers, topics: [Topics.telemetry])
        let received = try await consumer.consume(count: count)
        let extra = try await consumer.drain(for: .seconds(2))
        let identities = try (received + extra).map(identity)
        #expect(Set(identities).count == count, "no loss across a restart")
        #expect(identities.count == count, "and no duplicates: \(identities.count - count)")
        #expect(handledByFirst > 0 && handledByFirst < Double(count), "the stop happened mid-stream (\(handledByFirst))")
        await publisher.disconnect()
        await consumer.close()
        try await preprocessor.stop()
    }
}
