import Foundation
import SCADACore
import SCADAMongo

/// What one batch changes in a device's registry entry (`scada.devices`, `_id` = device id).
///
/// Completeness: `seq_min`, `seq_max` and `seq_stored` (distinct samples with a seq) give the
/// missing count as `seq_max - seq_min + 1 - seq_stored`; `duplicates` counts redelivered samples.
struct RegistryUpdate: Sendable, Equatable {
    var deviceID: String
    var deviceType: String
    var site: String?
    var line: String?
    var firstSeen: Int64
    var lastSeen: Int64
    var stored: Int64 = 0
    var duplicates: Int64 = 0
    var storedWithSeq: Int64 = 0
    var seqMin: Int64?
    var seqMax: Int64?
    var lastValues: [String: Double] = [:]
    var lastValuesTime: Int64 = .min

    /// Registry changes from the new (`stored`) and duplicate records of a batch.
    static func updates(new: [TelemetryRecord], duplicates: [TelemetryRecord]) -> [String: RegistryUpdate] {
        var updates: [String: RegistryUpdate] = [:]
        func entry(_ record: TelemetryRecord) -> RegistryUpdate {
            updates[record.deviceId] ?? RegistryUpdate(deviceID: record.deviceId, deviceType: record.deviceType, site: record.site,
                                                       line: record.line, firstSeen: record.eventTime, lastSeen: record.eventTime)
        }
        for record in new {
            var update = entry(record)
            update.stored += 1
            update.firstSeen = min(update.firstSeen, record.eventTime)
            update.lastSeen = max(update.lastSeen, record.eventTime)
            if let seq = record.seq {
                update.storedWithSeq += 1
                update.seqMin = min(update.seqMin ?? seq, seq)
                update.seqMax = max(update.seqMax ?? seq, seq)
            }
            if record.eventTime >= update.lastValuesTime {
                update.lastValues = record.metrics
                update.lastValuesTime = record.eventTime
            }
            update.deviceType = record.deviceType
            update.site = record.site ?? update.site
            update.line = record.line ?? update.line
            updates[record.deviceId] = update
        }
        for record in duplicates {
            var update = entry(record)
            update.duplicates += 1
            updates[record.deviceId] = update
        }
        return updates
    }

    func model() -> MongoWriteModel {
        var set: BSONDocument = [:]
        var increments: BSONDocument = ["duplicates": .int64(duplicates)]
        var update: BSONDocument = ["$setOnInsert": ["first_seen": .datetime(TelemetryDocument.date(firstSeen))]]
        if stored > 0 {
            set["device_type"] = .string(deviceType)
            if let site { set["site"] = .string(site) }
            if let line { set["line"] = .string(line) }
            for (name, value) in lastValues.sorted(by: { $0.key < $1.key }) {
                set["last_values." + FieldNames.encode(name)] = .double(value)
            }
            set["last_values_at"] = .datetime(TelemetryDocument.date(lastValuesTime))
            increments["messages"] = .int64(stored)
            increments["seq_stored"] = .int64(storedWithSeq)
            var maximums: BSONDocument = ["last_seen": .datetime(TelemetryDocument.date(lastSeen))]
            if let seqMax { maximums["seq_max"] = .int64(seqMax) }
            update["$max"] = .document(maximums)
            if let seqMin { update["$min"] = ["seq_min": .int64(seqMin)] }
        }
        if !set.isEmpty { update["$set"] = .document(set) }
        update["$inc"] = .document(increments)
        return .updateOne(filter: ["_id": .string(deviceID)], update: update, upsert: true)
    }
}
