import Foundation
import SCADAKafka
import SCADATestSupport
import Testing

@Suite(.timeLimit(.minutes(1)))
struct AdminTests {
    /// Topics are created and listed with their partition count; keys map to stable partitions.
    @Test func createListAndKeyedPartitioning() async throws {
        try await withBroker { server in
            let admin = try KafkaAdmin(bootstrapServers: server.bootstrapServers, logger: testLogger)
            let topic = uniqueName("admin")
            try await admin.createTopic(topic, partitions: 3)
            let listed = try await admin.listTopics()
            #expect(listed.contains(KafkaTopicMetadata(name: topic, partitionCount: 3)), "listed: \(listed)")

            do {
                try await admin.createTopic(topic, partitions: 3)
                Issue.record("creating an existing topic succeeded")
            } catch let error as KafkaError {
                #expect(error.kind == .topicAlreadyExists)
            }
            try await admin.createTopic(topic, partitions: 3, ifNotExists: true)
            await admin.close()

            let producer = try makeProducer(server)
            let keys = (0..<6).map { "device-\($0)" }
            let records = (0..<20).flatMap { _ in keys.map { KafkaProducerRecord(topic: topic, key: $0, value: $0.bytes) } }
            let reports = try await producer.send(records).map { try $0.get() }
            await producer.shutdown()
            var partitionsByKey: [String: Set<Int32>] = [:]
            for (record, report) in zip(records, reports) {
                partitionsByKey[record.value.text, default: []].insert(report.partition)
            }
            #expect(partitionsByKey.values.allSatisfy { $0.count == 1 }, "\(partitionsByKey)")
            #expect(Set(partitionsByKey.values.flatMap { $0 }).count > 1, "all keys on one partition")
            #expect(reports.allSatisfy { (0..<3).contains($0.partition) })
        }
    }
}
