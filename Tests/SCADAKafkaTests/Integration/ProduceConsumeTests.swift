import Foundation
import SCADAKafka
import SCADATestSupport
import Testing

@Suite(.timeLimit(.minutes(2)))
struct ProduceConsumeTests {
    /// Every record comes back with its exact key, value bytes and headers, and per-key order is kept.
    @Test func keysValuesAndHeadersRoundTrip() async throws {
        try await withBroker { server in
            let topic = uniqueName("roundtrip")
            try server.createTopic(topic, partitions: 3)
            let producer = try makeProducer(server)
            var records: [KafkaProducerRecord] = []
            for sequence in 0..<40 {
                for device in 0..<8 {
                    records.append(KafkaProducerRecord(
                        topic: topic, key: "device-\(device)",
                        value: "device-\(device)#\(sequence)".bytes + [0, 255, UInt8(sequence)],
                        headers: [KafkaHeader(key: "seq", value: String(sequence)),
                                  KafkaHeader(key: "binary", value: [0, 1, 254, 255]),
                                  KafkaHeader(key: "empty", value: []),
                                  KafkaHeader(key: "absent", value: nil)]))
                }
            }
            records.append(KafkaProducerRecord(topic: topic, key: nil, value: "unkeyed".bytes))
            records.append(KafkaProducerRecord(topic: topic, key: "tombstone", value: []))

            let reports = try await producer.send(records).map { try $0.get() }
            await producer.shutdown()

            let consumer = try makeConsumer(server, group: uniqueName("roundtrip"), topics: [topic])
            let messages = try await consumer.consume(count: records.count)
            let extra = try await consumer.drain(for: .milliseconds(500))
            await consumer.close()

            #expect(messages.count == records.count)
            #expect(extra.isEmpty)
            let byValue = Dictionary(messages.map { ($0.value, $0) }, uniquingKeysWith: { first, _ in first })
            for (record, report) in zip(records, reports) {
                guard let message = byValue[record.value] else {
                    Issue.record("record \(record.value.text) was not read back")
                    continue
                }
                #expect(message.topic == topic)
                #expect(message.key == record.key)
                #expect(message.headers == record.headers)
                #expect(message.partition == report.partition)
                #expect(message.offset == report.offset)
                #expect(message.timestamp != nil)
            }
            var lastSequence: [String: Int] = [:]
            for message in messages {
                guard let key = message.key?.text, key.hasPrefix("device-"),
                      let sequence = message.headers.first(where: { $0.key == "seq" })?.value.flatMap({ Int($0.text) })
                else { continue }
                #expect(sequence == (lastSequence[key] ?? -1) + 1, "order of \(key)")
                lastSequence[key] = sequence
            }
            #expect(lastSequence.count == 8)
        }
    }

    /// A 10,000-record batch is acknowledged completely; prints throughput of the batch and the enqueue path.
    @Test func batchSendIsAcknowledged() async throws {
        try await withBroker { server in
            let topic = uniqueName("batch")
            try server.createTopic(topic, partitions: 3)
            let producer = try makeProducer(server)
            let payload = [UInt8](repeating: 0x5A, count: 100)

            let batch = (0..<10_000).map { KafkaProducerRecord(topic: topic, key: "device-\($0 % 50)", value: payload) }
            let start = ContinuousClock.now
            let results = await producer.send(batch)
            let batchTime = ContinuousClock.now - start
            #expect(results.count == batch.count)
            #expect(results.allSatisfy { (try? $0.get()) != nil })
            print("kafka batch send: \(batch.count) records acknowledged in \(batchTime) (\(rate(batch.count, batchTime)) msg/s)")

            let count = 100_000
            let log = AckCounter()
            let enqueueStart = ContinuousClock.now
            for index in 0..<count {
                let record = KafkaProducerRecord(topic: topic, key: "device-\(index % 50)", value: payload)
                while true {
                    do {
                        try producer.enqueue(record) { log.record($0) }
                        break
                    } catch let error as KafkaError where error.kind == .queueFull {
                        try await Task.sleep(for: .milliseconds(1))
                    }
                }
            }
            try await producer.flush(timeout: .seconds(30))
            let enqueueTime = ContinuousClock.now - enqueueStart
            #expect(log.acknowledged == count)
            #expect(log.failed == 0)
            #expect(producer.outstandingCount == 0)
            print("kafka enqueue fast path: \(count) records acknowledged in \(enqueueTime) (\(rate(count, enqueueTime)) msg/s)")
            await producer.shutdown()
        }
    }

    /// `messages` yields everything in order and ends when the consumer closes.
    @Test func messagesSequenceEndsOnClose() async throws {
        try await withBroker { server in
            let topic = uniqueName("sequence")
            try server.createTopic(topic, partitions: 1)
            let producer = try makeProducer(server)
            let results = await producer.send((0..<25).map { KafkaProducerRecord(topic: topic, key: nil, value: [UInt8($0)]) })
            #expect(results.allSatisfy { (try? $0.get()) != nil })
            await producer.shutdown()

            let consumer = try makeConsumer(server, group: uniqueName("sequence"), topics: [topic])
            var values: [UInt8] = []
            for try await message in consumer.messages {
                values.append(contentsOf: message.value)
                consumer.markProcessed(message)
                if values.count == 25 { break }
            }
            #expect(values == Array(0..<25))
            try await consumer.commit()
            let closing = Task { await consumer.close() }
            var iterator = consumer.messages.makeAsyncIterator()
            await closing.value
            #expect(try await iterator.next() == nil)
            await #expect(throws: KafkaError.self) { try await consumer.commit() }
        }
    }
}

func rate(_ count: Int, _ duration: Duration) -> Int {
    let seconds = Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    return seconds > 0 ? Int(Double(count) / seconds) : 0
}

/// Counts delivery results from the poll thread.
final class AckCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var ok = 0
    private var bad = 0

    func record(_ result: Result<KafkaDeliveryReport, KafkaError>) {
        lock.withLock { if case .success = result { ok += 1 } else { bad += 1 } }
    }

    var acknowledged: Int { lock.withLock { ok } }
    var failed: Int { lock.withLock { bad } }
}
