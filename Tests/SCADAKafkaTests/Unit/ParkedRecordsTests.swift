import Testing
@testable import SCADAKafka

/// Records refused at once for a missing topic wait, in order, and go out once the topic is back.
@Suite struct ParkedRecordsTests {
    func entry(_ id: UInt, until: UInt64 = 1_000) -> ParkedRecords.Entry {
        ParkedRecords.Entry(id: id, record: KafkaProducerRecord(topic: "t", value: [UInt8(id)]), until: until)
    }

    @Test func recordsWaitInOrderWhileTheTopicIsMissingAndGoOutWhenItIsBack() {
        let parked = ParkedRecords()
        var topicExists = true
        var sent: [UInt] = []
        let produce = { (record: KafkaProducerRecord, id: UInt) throws(KafkaError) in
            guard topicExists else { throw KafkaError(.unknownTopic, message: "Local: Unknown partition") }
            sent.append(id)
        }
        guard case .produced = parked.produceInOrder(entry(1), now: 0, produce: produce) else { Issue.record("1 not produced"); return }
        topicExists = false
        guard case .parked = parked.produceInOrder(entry(2), now: 0, produce: produce) else { Issue.record("2 not parked"); return }
        topicExists = true
        // Topic back, but 2 waits: 3 must not overtake it.
        guard case .parked = parked.produceInOrder(entry(3), now: 0, produce: produce) else { Issue.record("3 overtook 2"); return }
        #expect(sent == [1] && parked.count == 2)
        let retried = parked.retry(now: 10, produce: produce)
        #expect(retried.produced == 2 && retried.failed.isEmpty && sent == [1, 2, 3] && parked.count == 0)
    }

    @Test func aRecordPastItsDeadlineOrRefusedForAnotherReasonFails() {
        let parked = ParkedRecords()
        let missing = { (_: KafkaProducerRecord, _: UInt) throws(KafkaError) in
            throw KafkaError(.unknownTopic, message: "Local: Unknown topic")
        }
        guard case .parked = parked.produceInOrder(entry(1, until: 100), now: 0, produce: missing) else { Issue.record("not parked"); return }
        guard case .parked = parked.produceInOrder(entry(2, until: 500), now: 0, produce: missing) else { Issue.record("not parked"); return }
        let early = parked.retry(now: 50, produce: missing)
        #expect(early.produced == 0 && early.failed.isEmpty && parked.count == 2)
        let late = parked.retry(now: 200, produce: missing)
        #expect(late.failed.map(\.id) == [1] && parked.count == 1, "only the first is past its deadline")
        let other = { (_: KafkaProducerRecord, _: UInt) throws(KafkaError) in throw KafkaError(.library(code: -1), message: "boom") }
        #expect(parked.retry(now: 200, produce: other).failed.map(\.id) == [2] && parked.count == 0)
        guard case .failed = parked.produceInOrder(entry(3), now: 0, produce: other) else { Issue.record("not failed"); return }
        guard case .failed = parked.produceInOrder(entry(4, until: 10), now: 20, produce: missing) else {
            Issue.record("a record already past its deadline must fail at once")
            return
        }
    }
}
