import Foundation
import SCADAKafka
import SCADATestSupport
import Testing

@Suite(.timeLimit(.minutes(2)))
struct BrokerOutageTests {
    /// Sends started while the broker is frozen complete after it resumes: none lost, none duplicated.
    @Test func sendsSurviveABrokerPause() async throws {
        try await withBroker { server in
            let topic = uniqueName("pause")
            try server.createTopic(topic, partitions: 2)
            let producer = try makeProducer(server, messageTimeoutMilliseconds: 60_000)
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
}
