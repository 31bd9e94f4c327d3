import Foundation
import Logging
import SCADACore
import SCADAKafka
import SCADAMongo

/// A record that cannot be stored, with the reason (it goes to `scada.deadletter`).
struct Unstorable: Sendable {
    var message: KafkaConsumerMessage
    var reason: String
    var detail: String
}

/// The raw part of a batch, stored: what was new, what was a duplicate, what could not be stored.
struct RawBatch: Sendable {
    var outcome = BatchOutcome()
    var new: [TelemetryRecord] = []
    var duplicates: [TelemetryRecord] = []
    var unstorable: [Unstorable] = []
}

/// What one batch did.
struct BatchOutcome: Sendable, Equatable {
    var inserted = 0
    var duplicates = 0
}

/// Writes one batch of Kafka messages into MongoDB: raw samples (unordered insert, duplicates
/// recognised by their deterministic `_id`), rollups for the newly stored samples only, the device
/// registry, statuses and alerts. Every step is safe to repeat: a batch that failed half-way is
/// simply written again (buckets touched by duplicates are recomputed from the raw samples).
struct BatchWriter: Sendable {
    let database: MongoDatabase
    let writeConcern: MongoWriteConcern

    var telemetry: MongoCollection { database.collection(Collections.telemetry) }
    var rollups: MongoCollection { database.collection(Collections.rollups) }
    var devices: MongoCollection { database.collection(Collections.devices) }
    var alerts: MongoCollection { database.collection(Collections.alerts) }

    /// Stores the raw samples, statuses and alerts of a batch; returns which samples were new and which
    /// duplicates (for ``writeDerived(new:duplicates:recomputeAll:)``). Throws only errors worth retrying
    /// the whole batch for (MongoDB unreachable, timeouts); repeating a batch is harmless.
    func write(_ messages: [KafkaConsumerMessage]) async throws(MongoError) -> RawBatch {
        var outcome = BatchOutcome()
        var unstorable: [Unstorable] = []
        var raw = RawBatch()
        var records: [(TelemetryRecord, KafkaConsumerMessage)] = []
        var statuses: [DeviceStatusRecord] = []
        var alertRecords: [AlertRecord] = []
        for message in messages {
            do {
                switch message.topic {
                case Topics.telemetry: records.append((try TelemetryRecord(jsonBytes: message.value), message))
                case Topics.deviceStatus: statuses.append(try DeviceStatusRecord(jsonBytes: message.value))
                case Topics.alerts: alertRecords.append(try AlertRecord(jsonBytes: message.value))
                default: unstorable.append(Unstorable(message: message, reason: "unexpected_topic", detail: message.topic))
                }
            } catch {
                unstorable.append(Unstorable(message: message, reason: "invalid_record",
                                             detail: "not a \(message.topic) record: \(String(describing: error).prefix(300))"))
            }
        }
        if !records.isEmpty {
            (raw.new, raw.duplicates) = try await writeTelemetry(records, outcome: &outcome, unstorable: &unstorable)
        }
        if !statuses.isEmpty {
            try await writeStatuses(statuses)
        }
        if !alertRecords.isEmpty {
            try await writeAlerts(alertRecords)
        }
        raw.outcome = outcome
        raw.unstorable = unstorable
        return raw
    }

    private func writeTelemetry(_ records: [(TelemetryRecord, KafkaConsumerMessage)], outcome: inout BatchOutcome,
                                unstorable: inout [Unstorable]) async throws(MongoError) -> ([TelemetryRecord], [TelemetryRecord]) {
        // The same sample twice in one batch is a duplicate too.
        var seen = Set<String>()
        var unique: [(TelemetryRecord, KafkaConsumerMessage)] = []
        var duplicates: [TelemetryRecord] = []
        for entry in records {
            if seen.insert(TelemetryDocument.id(of: entry.0)).inserted { unique.append(entry) } else { duplicates.append(entry.0) }
        }
        var failed = Set<Int>()
        do {
            try await telemetry.insertMany(unique.map { TelemetryDocument.make($0.0) }, ordered: false, writeConcern: writeConcern)
        } catch where !error.isRetryable {
            guard case .bulkWrite(let result) = error.kind else { throw error }
            for writeError in result.writeErrors {
                failed.insert(writeError.index)
                guard writeError.index < unique.count else { continue }
                if writeError.code == 11000 {
                    duplicates.append(unique[writeError.index].0)
                } else {
                    unstorable.append(Unstorable(message: unique[writeError.index].1, reason: "mongo_rejected",
                                                 detail: "code \(writeError.code): \(writeError.message.prefix(300))"))
                }
            }
        }
        let new = unique.indices.filter { !failed.contains($0) }.map { unique[$0].0 }
        outcome.inserted = new.count
        outcome.duplicates = duplicates.count
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
            try await createMissingBuckets(increments.keys.sorted())
            try await rollups.bulkWrite(increments.sorted { $0.key < $1.key }.map { $0.value.incrementalUpdate() },
                                        ordered: false, writeConcern: writeConcern)
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

    /// Inserts empty bucket documents where none exist yet (duplicates are ignored), so that the
    /// increments always update an existing document. An upsert that creates the document from
    /// dotted `$inc`/`$min`/`$max` paths works on MongoDB but stores literal dotted names on nx-27017.
    func createMissingBuckets(_ keys: [RollupBucket.Key]) async throws(MongoError) {
        let skeletons: [BSONDocument] = keys.map { key in
            ["_id": .string(key.id), "device_id": .string(key.deviceID), "minute": .datetime(TelemetryDocument.date(key.minute)),
             "samples": .int64(0), "m": .document([:])]
        }
        do {
            try await rollups.insertMany(skeletons, ordered: false, writeConcern: writeConcern)
        } catch {
            guard case .bulkWrite(let result) = error.kind, !error.isRetryable,
                  result.writeErrors.allSatisfy({ $0.code == 11000 }) else { throw error }
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
            current["active"] = .bool(alert.state == .raised)
            models.append(.replaceOne(filter: ["_id": .string(alert.alertId)], replacement: current, upsert: true))
        }
        try await alerts.bulkWrite(models, ordered: true, writeConcern: writeConcern)
    }
}
