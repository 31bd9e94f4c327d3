import Foundation
import SCADAKafka
import SCADATestSupport
import Testing

@Suite(.serialized, .timeLimit(.minutes(3)))
struct BrokerOutageTests {
    /// Sends started while the broker is frozen complete after it resumes: none lost, none duplicated.
    @Test func sendsSurviveABrokerPause() async throws {
        try await withBroker { server in
            let topic = uniqueName("pause")
            try server.createTopic(topic, partitions: 2)
            let producer = try makeProducer(server, messageTimeout: .seconds(60))
            let before = await producer.send((0..<100).map { KafkaProducerRecord(topic: topic, key: "k\($0 % 5)", value: "a\($0)".bytes) })
            #expect(before.allSatisfy { (try? $0.get()) != nil })

            server.pause()
            let during = Task {
                await producer.send((0..<300).map { KafkaProducerRecord(topic: topic, key: "k\($0 % 5)", value: "b\($0)".bytes) })
            }
            try await Task.sleep(for: .seconds(4))
            #expect(producer.outstandingCount > 0)
            server.resume()
            let results = await during.value
            let failures = results.compactMap { if case .failure(let error) = $0 { error } else { nil } }
            #expect(failures.isEmpty, "\(failures.prefix(3))")
            await producer.shutdown()

            let consumer = try makeConsumer(server, group: uniqueName("pause"), topics: [topic])
            let messages = try await consumer.consume(count: 400)
            let extra = try await consumer.drain(for: .seconds(1))
            await consumer.close()
            let values = (messages + extra).map(\.value.text)
            #expect(values.count == 400, "read \(values.count) messages")
            #expect(Set(values).count == values.count, "duplicates")
            #expect(Set(values) == Set((0..<100).map { "a\($0)" } + (0..<300).map { "b\($0)" }))
        }
    }

    /// A broker that restarts without its state (tansu on memory storage: topics and producer ids gone).
    /// The keeper recreates the topic with the partition count it had; the idempotent producer, refused as
    /// unknown (a fatal error in librdkafka), replaces its handle and re-sends what was not acknowledged:
    /// every send completes, every record sent from the outage on is in the new topic.
    @Test func aProducerSurvivesABrokerThatForgotEverything() async throws {
        try await withBroker { server in
            let topic = uniqueName("forgot")
            let logger = TestLogging.logger
            let admin = try KafkaAdmin(bootstrapServers: server.bootstrapServers, logger: logger)
            try await admin.createTopic(topic, partitions: 4)
            let keeper = KafkaTopicKeeper(admin: admin, topics: [KafkaTopicSpec(name: topic, partitions: 1)], logger: logger)
            #expect(try await keeper.ensure().isEmpty)
            let producer = try KafkaProducer(configuration: KafkaProducerConfiguration(
                bootstrapServers: server.bootstrapServers, clientID: "forgot", messageTimeout: .seconds(90),
                autoCreateTopics: false), logger: logger)
            let before = await producer.send((0..<200).map { KafkaProducerRecord(topic: topic, key: "k\($0 % 7)", value: "a\($0)".bytes) })
            #expect(before.allSatisfy { (try? $0.get()) != nil })

            server.stop()
            async let during = producer.send((0..<300).map { KafkaProducerRecord(topic: topic, key: "k\($0 % 7)", value: "b\($0)".bytes) })
            try await server.restart()
            try await eventually("the keeper recreates the topic", timeout: .seconds(30)) {
                (try? await keeper.ensure()) == [topic]
            }
            let results = await during
            let failures = results.compactMap { if case .failure(let error) = $0 { error } else { nil } }
            #expect(failures.isEmpty, "\(failures.count) failed, e.g. \(failures.prefix(3))")
            #expect(producer.handleReplacements >= 1)
            let after = await producer.send((0..<100).map { KafkaProducerRecord(topic: topic, key: "k\($0 % 7)", value: "c\($0)".bytes) })
            #expect(after.allSatisfy { (try? $0.get()) != nil })
            await producer.shutdown()
            #expect(try await admin.listTopics().first { $0.name == topic }?.partitionCount == 4)
            await admin.close()

            let consumer = try makeConsumer(server, group: uniqueName("forgot"), topics: [topic])
            let messages = try await consumer.consume(count: 400)
            let extra = try await consumer.drain(for: .seconds(1))
            await consumer.close()
            let values = Set((messages + extra).map(\.value.text))
            let expected = Set((0..<300).map { "b\($0)" } + (0..<100).map { "c\($0)" })
            #expect(expected.subtracting(values).isEmpty, "missing: \(expected.subtracting(values).sorted().prefix(5))")
        }
    }

    /// A broker back without the topic, and librdkafka's metadata already says so (0 partitions): records sent
    /// now are refused at once by librdkafka. They must wait for the topic, in order, not fail (the preprocessor
    /// would turn them into dead letters): once the topic is created they are all delivered.
    @Test func recordsSentWhileTheTopicIsMissingWaitForIt() async throws {
        try await withBroker { server in
            let topic = uniqueName("missing")
            let admin = try KafkaAdmin(bootstrapServers: server.bootstrapServers, logger: testLogger)
            try await admin.createTopic(topic, partitions: 3)
            let lines = Locked<[String]>([])
            let producer = try KafkaProducer(configuration: KafkaProducerConfiguration(
                bootstrapServers: server.bootstrapServers, clientID: "missing", messageTimeout: .seconds(90),
                autoCreateTopics: false, extra: ["topic.metadata.refresh.interval.ms": "1000"]),
                logger: RecordingLogHandler.logger("missing", messages: lines))
            let before = await producer.send((0..<50).map { KafkaProducerRecord(topic: topic, key: "k\($0 % 5)", value: "a\($0)".bytes) })
            #expect(before.allSatisfy { (try? $0.get()) != nil })

            server.stop()
            try await server.restart()
            try await eventually("librdkafka sees the topic gone", timeout: .seconds(60)) {
                lines.value.contains { $0.contains(topic) && $0.contains("partition count changed") && $0.contains("to 0") }
            }
            async let during = producer.send((0..<100).map { KafkaProducerRecord(topic: topic, key: "k\($0 % 5)", value: "b\($0)".bytes) })
            try await admin.createTopic(topic, partitions: 3)
            let results = await during
            let failures = results.compactMap { if case .failure(let error) = $0 { error } else { nil } }
            #expect(failures.isEmpty, "\(failures.count) of 100 failed, e.g. \(failures.prefix(2))")
            await producer.shutdown()
            await admin.close()

            let consumer = try makeConsumer(server, group: uniqueName("missing"), topics: [topic])
            let messages = try await consumer.consume(count: 100)
            let extra = try await consumer.drain(for: .seconds(1))
            await consumer.close()
            let values = (messages + extra).map(\.value.text)
            #expect(Set(values) == Set((0..<100).map { "b\($0)" }))
            // Per key, in the order sent.
            for key in 0..<5 {
                let sent = (0..<100).filter { $0 % 5 == key }.map { "b\($0)" }
                let got = (messages + extra).filter { $0.key.map(\.text) == "k\(key)" }.map(\.value.text)
                #expect(got == sent, "key k\(key) out of order")
            }
        }
    }
}
