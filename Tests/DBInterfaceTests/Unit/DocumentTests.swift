import Foundation
import SCADACore
import SCADAKafka
import SCADAMongo
import Testing
@testable import DBInterface

@Suite struct DocumentTests {
    @Test func idsAreDeterministic() {
        #expect(TelemetryDocument.id(of: sample("A", seq: 7)) == "A:7")
        var record = sample("A", seq: 7)
        record.seq = nil
        #expect(TelemetryDocument.id(of: record) == "A:t\(record.eventTime)")
    }

    /// The stored document carries every field of the record, with encoded metric names, and reads back.
    @Test func storedDocumentHoldsTheRecord() throws {
        let record = TelemetryRecord(deviceId: "P1", deviceType: "energy", site: "s", line: "l", eventTime: testBase + 1234,
                                     receiveTime: testBase + 1240, seq: 9, metrics: ["voltages.L1": 230.5, "power": -1e-3],
                                     states: ["status": .string("on"), "alarm": .bool(false)], sourceTopic: "factory/p1",
                                     tags: ["part_program": "O100"])
        var batch = BSONDocumentBatch()
        try TelemetryDocument.append(record, id: TelemetryDocument.id(of: record), to: &batch)
        let document = try batch.document(at: 0)
        #expect(document["_id"] == "P1:9" && document["device_type"] == "energy" && document["site"] == "s" && document["line"] == "l")
        #expect(document["ts"] == .datetime(milliseconds: testBase + 1234) && document["receive_time"] == .datetime(milliseconds: testBase + 1240))
        #expect(document["seq"] == .int64(9) && document["source_topic"] == "factory/p1")
        #expect(document[path: "metrics.voltages%2EL1"] == .double(230.5) && document[path: "metrics.power"] == .double(-1e-3))
        #expect(document[path: "states.status"] == "on" && document[path: "states.alarm"] == .bool(false))
        #expect(document[path: "tags.part_program"] == "O100")
        let read = try #require(RawSample.record(document))
        #expect(read.metrics == record.metrics && read.eventTime == record.eventTime && read.seq == 9)
    }

    /// A metric name with a NUL byte cannot be a BSON field name: that record alone is unstorable, with its reason.
    @Test func nulInMetricNameMakesOnlyThatRecordUnstorable() throws {
        func message(_ record: TelemetryRecord, offset: Int64) throws -> KafkaConsumerMessage {
            KafkaConsumerMessage(topic: Topics.telemetry, partition: 0, offset: offset, value: try record.jsonBytes())
        }
        var bad = sample("N", seq: 2)
        bad.metrics["bad\u{0}name"] = 1
        let prepared = BatchWriter.prepare([try message(sample("N", seq: 1), offset: 0), try message(bad, offset: 1),
                                            try message(sample("N", seq: 3), offset: 2)])
        #expect(prepared.records.map(\.seq) == [1, 3] && prepared.documents.count == 2)
        #expect(prepared.unstorable.map(\.reason) == ["invalid_document"] && prepared.unstorable.first?.message.offset == 1)
        #expect(try prepared.documents.document(at: 1)["_id"] == "N:3")
    }

    /// A sample measured before the retention window is refused with `outside_retention`; the rest are kept.
    @Test func samplesBeforeTheRetentionWindowAreRefused() throws {
        let records = [sample("R", seq: 1, base: 1_000), sample("R", seq: 2, base: testBase), sample("R", seq: 3, base: 2_000)]
        let messages = try records.enumerated().map { index, record in
            KafkaConsumerMessage(topic: Topics.telemetry, partition: 0, offset: Int64(index), value: try record.jsonBytes())
        }
        let prepared = BatchWriter.prepare(messages, retainedSince: testBase - 86_400_000)
        #expect(prepared.records.map(\.seq) == [2])
        #expect(prepared.unstorable.map(\.reason) == ["outside_retention", "outside_retention"])
        #expect(prepared.unstorable.map(\.message.offset) == [0, 2])
    }

    @Test func fieldNamesRoundTrip() {
        for name in ["temperature", "voltages.L1", "$weird", "50%.x", "", "a..b"] {
            let field = FieldNames.encode(name)
            #expect(!field.contains(".") && !field.hasPrefix("$") && !field.isEmpty)
            #expect(FieldNames.decode(field) == name)
        }
    }

    @Test func rollupAggregation() {
        let base: Int64 = testBase
        let records = [10.0, 30.0, 20.0].enumerated().map { index, value in
            TelemetryRecord(deviceId: "D", deviceType: "t", eventTime: base + Int64(index) * 1000, receiveTime: 0,
                            seq: Int64(index), metrics: ["v": value], sourceTopic: "")
        } + [TelemetryRecord(deviceId: "D", deviceType: "t", eventTime: base + 61_000, receiveTime: 0, metrics: ["v": 5], sourceTopic: "")]
        let buckets = RollupBucket.aggregate(records)
        #expect(buckets.count == 2)
        let first = buckets[RollupBucket.Key(deviceID: "D", minute: base)]
        #expect(first?.samples == 3)
        let stats = first?.metrics["v"]
        #expect(stats?.min == 10 && stats?.max == 30 && stats?.sum == 60 && stats?.count == 3)
        #expect(stats?.last == 20 && stats?.lastTime == base + 2000)
        #expect(RollupBucket.minute(of: base + 59_999) == base && RollupBucket.minute(of: base + 60_000) == base + 60_000)
    }

    @Test func registryUpdateCountsOnlyNewSamplesTowardsCompleteness() {
        let new = [1, 2, 5].map { sample("R", seq: $0) }
        let updates = RegistryUpdate.updates(new: new, duplicates: [sample("R", seq: 2)])
        let update = updates["R"]
        #expect(update?.stored == 3 && update?.duplicates == 1 && update?.seqMin == 1 && update?.seqMax == 5 && update?.storedWithSeq == 3)
        #expect(update?.lastValues == sample("R", seq: 5).metrics)
    }

    @Test func configurationIsValidated() {
        var configuration = DBInterfaceConfiguration()
        #expect(throws: Never.self) { try configuration.validate() }
        configuration.writeConcern = "w2"
        #expect(throws: DBInterfaceError.self) { try configuration.validate() }
    }
}
