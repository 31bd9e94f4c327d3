import Foundation
import SCADAKafka
import SCADATestSupport
import Testing

@Suite(.timeLimit(.minutes(2)))
struct ConsumerGroupTests {
    /// A new consumer in the group continues exactly after the committed half: nothing lost, nothing repeated.
    @Test func restartResumesFromCommittedOffset() async throws {
        try await withBroker { server in
            let topic = uniqueName("resume")
            try server.createTopic(topic, partitions: 3)
            let producer = try makeProducer(server)
            let all = Set((0..<300).map { "m\($0)" })
            let results = await producer.send(all.sorted().enumerated().map {
                KafkaProducerRecord(topic: topic, key: "device-\($0.offset % 7)", value: $0.element.bytes)
            })
            #expect(results.allSatisfy { (try? $0.get()) != nil })
            await producer.shutdown()
            let group = uniqueName("resume")

            let first = try makeConsumer(server, group: group, topics: [topic])
            let firstHalf = try await first.consume(count: 150)
            #expect(firstHalf.count == 150)
            first.markProcessed(firstHalf)
            try await first.commit()
            await first.close()

            let second = try makeConsumer(server, group: group, topics: [topic])
            let secondHalf = try await second.consume(count: 150)
            let extra = try await second.drain(for: .seconds(1))
            await second.close()

            let firstValues = Set(firstHalf.map(\.value.text))
            let secondValues = Set((secondHalf + extra).map(\.value.text))
            #expect(secondHalf.count == 150)
            #expect(extra.isEmpty, "messages beyond the second half: \(extra.count)")
            #expect(firstValues.isDisjoint(with: secondValues), "committed messages were delivered again")
            #expect(firstValues.union(secondValues) == all, "messages lost")
        }
    }

    /// Only messages marked processed are committed: the next consumer starts at the first unmarked one.
    @Test func unmarkedMessagesAreRedelivered() async throws {
        try await withBroker { server in
            let topic = uniqueName("redeliver")
            try server.createTopic(topic, partitions: 1)
            let producer = try makeProducer(server)
            let results = await producer.send((0..<40).map { KafkaProducerRecord(topic: topic, key: nil, value: "v\($0)".bytes) })
            #expect(results.allSatisfy { (try? $0.get()) != nil })
            await producer.shutdown()
            let group = uniqueName("redeliver")

            let first = try makeConsumer(server, group: group, topics: [topic])
            let consumed = try await first.consume(count: 40)
            #expect(consumed.map(\.value.text) == (0..<40).map { "v\($0)" })
            first.markProcessed(Array(consumed.prefix(15)))
            first.markProcessed(consumed[3])  // moving back is ignored
            try await first.commit()
            await first.close()

            let second = try makeConsumer(server, group: group, topics: [topic])
            let redelivered = try await second.consume(count: 25)
            let extra = try await second.drain(for: .seconds(1))
            await second.close()
            #expect(redelivered.first?.offset == 15)
            #expect(redelivered.map(\.value.text) == (15..<40).map { "v\($0)" })
            #expect(extra.isEmpty)
        }
    }

    /// Rebalance events are reported, and a departing member's processed offsets are committed on close.
    @Test func assignmentEventsAreReported() async throws {
        try await withBroker { server in
            let topic = uniqueName("events")
            try server.createTopic(topic, partitions: 2)
            let consumer = try makeConsumer(server, group: uniqueName("events"), topics: [topic])
            let assigned = Task {
                for await event in consumer.events {
                    if case .assigned(let partitions) = event { return partitions }
                }
                return []
            }
            _ = try await consumer.drain(for: .seconds(5))
            await consumer.close()
            let partitions = await assigned.value
            #expect(Set(partitions.map(\.partition)) == [0, 1])
            #expect(partitions.allSatisfy { $0.topic == topic })
        }
    }
}
