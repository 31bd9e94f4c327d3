import Foundation
import SCADACore
import SCADAKafka
import SCADAMongo
import Synchronization

/// A record that cannot be stored, with the reason (it goes to `scada.deadletter`).
struct Unstorable: Sendable {
    var message: KafkaConsumerMessage
    var reason: String
    var detail: String
}

/// The raw part of a batch, stored: what was new, what was a duplicate, what could not be stored.
struct RawBatch: Sendable {
    var new: [TelemetryRecord] = []
    var duplicates: [TelemetryRecord] = []
    var unstorable: [Unstorable] = []
}

/// A decoded batch with its documents built, ready to write.
struct PreparedBatch: Sendable {
    var messages: [KafkaConsumerMessage]
    /// Telemetry records that are unique within the batch, their messages and their documents (same order;
    /// separate arrays, so the records are handed on without copying each one).
    var records: [TelemetryRecord] = []
    var recordMessages: [KafkaConsumerMessage] = []
    var documents = BSONDocumentBatch()
    /// Records that repeat a sample seen earlier in the same batch.
    var duplicates: [TelemetryRecord] = []
    var statuses: [DeviceStatusRecord] = []
    var alerts: [AlertRecord] = []
    var unstorable: [Unstorable] = []
}

/// Writes one batch of Kafka messages into MongoDB: raw samples (unordered insert, duplicates
/// recognised by their deterministic `_id`), rollups for the newly stored samples only, the device
/// registry, statuses and alerts. Every step is safe to repeat: a batch that failed half-way is
/// simply written again (buckets touched by duplicates are recomputed from the raw samples).
struct BatchWriter: Sendable {
    let database: MongoDatabase
    let writeConcern: MongoWriteConcern
    /// Rollup buckets known to exist in MongoDB (written by this process).
    let knownBuckets = KnownBuckets()

    var telemetry: MongoCollection { database.collection(Collections.telemetry) }
    var rollups: MongoCollection { database.collection(Collections.rollups) }
    var devices: MongoCollection { database.collection(Collections.devices) }
    var alerts: MongoCollection { database.collection(Collections.alerts) }

    /// Dead-letter reason of a sample older than the telemetry retention.
    static let outsideRetention = "outside_retention"

    /// Decodes a batch and builds its documents: pure CPU work, done for the next batch while MongoDB
    /// stores the current one. A sample measured before `retainedSince` (UTC ms) would be deleted by the
    /// telemetry TTL as soon as it was stored: it is refused (`outside_retention`) instead, never counted
    /// as stored.
    static func prepare(_ messages: [KafkaConsumerMessage], retainedSince: Int64? = nil) -> PreparedBatch {
        var prepared = PreparedBatch(messages: messages)
        prepared.documents = BSONDocumentBatch(reservingBytes: messages.reduce(0) { $0 + $1.value.count }, documents: messages.count)
        // The same sample twice in one batch is a duplicate too.
        var seen = Set<String>()
        for message in messages {
            do {
                switch message.topic {
                case Topics.telemetry:
                    let record = try TelemetryRecord(jsonBytes: message.value)
                    if let retainedSince, record.eventTime < retainedSince {
                        prepared.unstorable.append(Unstorable(message: message, reason: Self.outsideRetention, detail:
                            "event time \(record.eventTime) ms is before the retention window (from \(retainedSince) ms): it would be deleted at once"))
                        continue
                    }
                    let id = TelemetryDocument.id(of: record)
                    if seen.insert(id).inserted {
                        try TelemetryDocument.append(record, id: id, to: &prepared.documents)
                        prepared.records.append(record)
                        prepared.recordMessages.append(message)
                    } else {
                        prepared.duplicates.append(record)
                    }
                case Topics.deviceStatus: prepared.statuses.append(try DeviceStatusRecord(jsonBytes: message.value))
                case Topics.alerts: prepared.alerts.append(try AlertRecord(jsonBytes: message.value))
                default: prepared.unstorable.append(Unstorable(message: message, reason: "unexpected_topic", detail: message.topic))
                }
            } catch let error as MongoError {
                prepared.unstorable.append(Unstorable(message: message, reason: "invalid_document", detail: error.message))
            } catch {
                prepared.unstorable.append(Unstorable(message: message, reason: "invalid_record",
                                                      detail: "not a \(message.topic) record: \(String(describing: error).prefix(300))"))
            }
        }
        return prepared
    }

    /// Stores the raw samples, statuses and alerts of a prepared batch; returns which samples were new and which
    /// duplicates (for ``writeDerived(new:duplicates:recomputeAll:)``). Throws only errors worth retrying
    /// the whole batch for (MongoDB unreachable, timeouts); repeating a batch is harmless.
    func write(_ batch: PreparedBatch) async throws(MongoError) -> RawBatch {
        var raw = RawBatch()
        raw.unstorable = batch.unstorable
        if !batch.records.isEmpty || !batch.duplicates.isEmpty {
            (raw.new, raw.duplicates) = try await writeTelemetry(batch, unstorable: &raw.unstorable)
        }
        if !batch.statuses.isEmpty {
            try await writeStatuses(batch.statuses)
        }
        if !batch.alerts.isEmpty {
            try await writeAlerts(batch.alerts)
        }
        return raw
    }

    private func writeTelemetry(_ batch: PreparedBatch, unstorable: inout [Unstorable])
        async throws(MongoError) -> ([TelemetryRecord], [TelemetryRecord]) {
        var duplicates = batch.duplicates
        var failed = Set<Int>()
        do {
            if !batch.documents.isEmpty {
                // Field names are encoded (FieldNames) and strings were validated by the record reader.
                try await telemetry.insertMany(batch.documents, ordered: false, writeConcern: writeConcern, validateKeys: false)
            }
        } catch where !error.isRetryable {
            guard case .bulkWrite(let result) = error.kind else { throw error }
            for writeError in result.writeErrors {
                failed.insert(writeError.index)
                guard writeError.index < batch.records.count else { continue }
                if writeError.code == 11000 {
                    duplicates.append(batch.records[writeError.index])
                } else {
                    unstorable.append(Unstorable(message: batch.recordMessages[writeError.index], reason: "mongo_rejected",
                                                 detail: "code \(writeError.code): \(writeError.message.prefix(300))"))
                }
            }
        }
        let new = failed.isEmpty ? batch.records : batch.records.indices.filter { !failed.contains($0) }.map { batch.records[$0] }
        return (new, duplicates)
    }

    /// Rollups and registry for samples stored by earlier ``write(_:)`` calls (gathered over several batches,
    /// so that one update per device-minute covers many samples).
    ///
    /// Rollups get increments for the new samples; a bucket a duplicate touched may already hold some of
    /// them (a crash after the raw insert), so it is recomputed from the raw samples instead. With
    /// `recomputeAll` (after a failed attempt, whose increments may have partly landed) every touched
    /// bucket is recomputed.
    func writeDerived(new: [TelemetryRecord], duplicates: [TelemetryRecord], recomputeAll: Bool) async throws(MongoError) {
        var suspect = Set(duplicates.map { RollupBucket.Key(deviceID: $0.deviceId, minute: RollupBucket.minute(of: $0.eventTime)) })
        let buckets = RollupBucket.aggregate(new)
        if recomputeAll { suspect.formUnion(buckets.keys) }
        let increments = buckets.filter { !suspect.contains($0.key) }
        if !increments.isEmpty {
            // A bucket this process has not written yet is inserted whole (one operation); one that exists
            // (known, or the insert found it) gets the increments.
            let (known, fresh) = knownBuckets.split(increments.keys)
            let existing = try await known + insertWholeBuckets(fresh.sorted().compactMap { increments[$0] })
            if !existing.isEmpty {
                let result = try await rollups.bulkWrite(existing.sorted().compactMap { increments[$0]?.incrementalUpdate() },
                                                         ordered: false, writeConcern: writeConcern)
                // A bucket that vanished meanwhile (deleted by hand, a restored database) is rebuilt from the raw samples.
                if result.matchedCount < existing.count { suspect.formUnion(existing) }
            }
            knownBuckets.insert(increments.keys)
        }
        for key in suspect.sorted() { try await recompute(key) }

        let registry = RegistryUpdate.updates(new: new, duplicates: duplicates)
        if !registry.isEmpty {
            try await devices.bulkWrite(registry.keys.sorted().compactMap { registry[$0]?.model() }, ordered: false,
                                        writeConcern: writeConcern)
        }
        // Duplicates mean earlier deliveries may have stored samples whose counters never landed (a crash
        // before the flush): the completeness counters of those devices are recounted from the raw samples.
        let recount = recomputeAll ? Set(new.map(\.deviceId)).union(duplicates.map(\.deviceId)) : Set(duplicates.map(\.deviceId))
        for device in recount.sorted() { try await recountCompleteness(device) }
    }

    /// Sets `messages`, `seq_min`, `seq_max` and `seq_stored` of `device` from its stored raw samples.
    func recountCompleteness(_ device: String) async throws(MongoError) {
        let messages = try await telemetry.countDocuments(["device_id": .string(device)])
        let totals = try await telemetry.aggregate([
            ["$match": ["device_id": .string(device), "seq": ["$exists": true]]],
            ["$group": ["_id": .null, "stored": ["$sum": 1], "low": ["$min": "$seq"], "high": ["$max": "$seq"]]],
        ]).first
        var set: BSONDocument = ["messages": .int64(Int64(messages)), "seq_stored": .int64(totals?["stored"]?.int64Value ?? 0)]
        if let low = totals?["low"]?.int64Value { set["seq_min"] = .int64(low) }
        if let high = totals?["high"]?.int64Value { set["seq_max"] = .int64(high) }
        try await devices.updateOne(filter: ["_id": .string(device)], update: ["$set": .document(set)], upsert: true,
                                    writeConcern: writeConcern)
    }

    /// Inserts complete bucket documents; returns the keys of those that already existed (duplicate key),
    /// which need the increments instead. (Creating a bucket by an upsert from dotted `$inc`/`$min`/`$max`
    /// paths works on MongoDB but stores literal dotted names on nx-27017, so buckets are never upserted.)
    func insertWholeBuckets(_ buckets: [RollupBucket]) async throws(MongoError) -> [RollupBucket.Key] {
        guard !buckets.isEmpty else { return [] }
        do {
            try await rollups.insertMany(buckets.map { $0.document() }, ordered: false, writeConcern: writeConcern)
            return []
        } catch {
            guard case .bulkWrite(let result) = error.kind, !error.isRetryable,
                  result.writeErrors.allSatisfy({ $0.code == 11000 }) else { throw error }
            return result.writeErrors.compactMap { $0.index < buckets.count ? buckets[$0.index].key : nil }
        }
    }

    /// Rebuilds one rollup bucket from the raw samples.
    func recompute(_ key: RollupBucket.Key) async throws(MongoError) {
        let start = TelemetryDocument.date(key.minute)
        let end = TelemetryDocument.date(key.minute + 60_000)
        let raw = try await telemetry.find(["device_id": .string(key.deviceID),
                                            "ts": ["$gte": .datetime(start), "$lt": .datetime(end)]])
        let records = raw.compactMap(RawSample.record)
        guard let bucket = RollupBucket.aggregate(records)[key] else { return }
        try await rollups.replaceOne(filter: ["_id": .string(key.id)], replacement: bucket.document(), upsert: true,
                                     writeConcern: writeConcern)
    }

    private func writeStatuses(_ statuses: [DeviceStatusRecord]) async throws(MongoError) {
        let models: [MongoWriteModel] = statuses.map { status in
            .updateOne(filter: ["_id": .string(status.deviceId)], update: [
                "$set": ["online": .bool(status.status == .online), "status": .string(status.status.rawValue),
                         "status_since": .datetime(TelemetryDocument.date(status.eventTime))],
                "$setOnInsert": ["first_seen": .datetime(TelemetryDocument.date(status.eventTime))],
            ], upsert: true)
        }
        try await devices.bulkWrite(models, ordered: false, writeConcern: writeConcern)
    }

    private func writeAlerts(_ records: [AlertRecord]) async throws(MongoError) {
        var models: [MongoWriteModel] = []
        for alert in records {
            var event: BSONDocument = [
                "_id": .string("\(alert.alertId):\(alert.state.rawValue):\(alert.eventTime)"), "kind": "event",
                "alert_id": .string(alert.alertId), "device_id": .string(alert.deviceId), "rule": .string(alert.rule),
                "severity": .string(alert.severity.rawValue), "state": .string(alert.state.rawValue),
                "message": .string(alert.message), "ts": .datetime(TelemetryDocument.date(alert.eventTime)),
            ]
            if let metric = alert.metric { event["metric"] = .string(metric) }
            if let value = alert.value { event["value"] = .double(value) }
            if let threshold = alert.threshold { event["threshold"] = .double(threshold) }
            models.append(.replaceOne(filter: ["_id": event["_id"] ?? .null], replacement: event, upsert: true))
            var current = event
            current["_id"] = .string(alert.alertId)
            current["kind"] = "alarm"
            current["active"] = .bool(alert.active)
            models.append(.replaceOne(filter: ["_id": .string(alert.alertId)], replacement: current, upsert: true))
        }
        try await alerts.bulkWrite(models, ordered: true, writeConcern: writeConcern)
    }
}

/// The rollup buckets this process has written (so their next contributions are increments, not inserts).
/// Bounded: it forgets everything past `capacity`, which only costs a duplicate-key round trip.
final class KnownBuckets: Sendable {
    private let keys = Mutex(Set<RollupBucket.Key>())
    private let capacity: Int

    init(capacity: Int = 200_000) { self.capacity = capacity }

    /// `candidates` split into those known to exist and the others.
    func split(_ candidates: some Sequence<RollupBucket.Key>) -> (known: [RollupBucket.Key], unknown: [RollupBucket.Key]) {
        keys.withLock { keys in
            var known: [RollupBucket.Key] = [], unknown: [RollupBucket.Key] = []
            for key in candidates { if keys.contains(key) { known.append(key) } else { unknown.append(key) } }
            return (known, unknown)
        }
    }

    func insert(_ more: some Sequence<RollupBucket.Key>) {
        keys.withLock { keys in
            if keys.count > capacity { keys.removeAll(keepingCapacity: true) }
            keys.formUnion(more)
        }
    }
}
