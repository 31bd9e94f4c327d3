import Foundation
import SCADACore
import SCADAMongo

/// One-minute aggregates of one device: per metric min, max, sum, count and last value.
public struct RollupBucket: Sendable, Equatable {
    public struct Key: Hashable, Sendable, Comparable {
        public var deviceID: String
        /// Start of the minute, UTC ms.
        public var minute: Int64

        public static func < (a: Key, b: Key) -> Bool { (a.deviceID, a.minute) < (b.deviceID, b.minute) }
        public var id: String { "\(deviceID):\(minute)" }
    }

    public struct Stats: Sendable, Equatable {
        public var min: Double
        public var max: Double
        public var sum: Double
        public var count: Int64
        public var last: Double
        /// Event time of `last`, UTC ms.
        public var lastTime: Int64

        init(_ value: Double, at time: Int64) {
            min = value; max = value; sum = value; count = 1; last = value; lastTime = time
        }

        mutating func add(_ value: Double, at time: Int64) {
            min = Swift.min(min, value)
            max = Swift.max(max, value)
            sum += value
            count += 1
            if time >= lastTime { last = value; lastTime = time }
        }
    }

    public var key: Key
    public var samples: Int64 = 0
    public var metrics: [String: Stats] = [:]

    public static func minute(of milliseconds: Int64) -> Int64 {
        let floor = milliseconds / 60_000 * 60_000
        return milliseconds < 0 && floor != milliseconds ? floor - 60_000 : floor
    }

    /// Aggregates `records` into buckets.
    public static func aggregate(_ records: some Sequence<TelemetryRecord>) -> [Key: RollupBucket] {
        var buckets: [Key: RollupBucket] = [:]
        for record in records {
            let key = Key(deviceID: record.deviceId, minute: minute(of: record.eventTime))
            // Mutated in place: copying a bucket out and back would copy its metrics dictionary per record.
            buckets[key, default: RollupBucket(key: key)].add(record)
        }
        return buckets
    }

    private mutating func add(_ record: TelemetryRecord) {
        samples += 1
        for (name, value) in record.metrics {
            if let index = metrics.index(forKey: name) {
                metrics.values[index].add(value, at: record.eventTime)
            } else {
                metrics[name] = Stats(value, at: record.eventTime)
            }
        }
    }

    /// An update adding this bucket to the stored one (`$inc`, `$min`, `$max`); the document exists
    /// already (see `BatchWriter.insertWholeBuckets`).
    func incrementalUpdate() -> MongoWriteModel {
        var increments: BSONDocument = ["samples": .int64(samples)]
        var minimums = BSONDocument()
        var maximums = BSONDocument()
        var sets = BSONDocument()
        for (name, stats) in metrics.sorted(by: { $0.key < $1.key }) {
            let field = "m." + FieldNames.encode(name)
            increments[field + ".sum"] = .double(stats.sum)
            increments[field + ".count"] = .int64(stats.count)
            minimums[field + ".min"] = .double(stats.min)
            maximums[field + ".max"] = .double(stats.max)
            sets[field + ".last"] = .double(stats.last)
        }
        var update: BSONDocument = ["$inc": .document(increments)]
        if !minimums.isEmpty {
            update["$min"] = .document(minimums)
            update["$max"] = .document(maximums)
            update["$set"] = .document(sets)
        }
        return .updateOne(filter: ["_id": .string(key.id)], update: update, upsert: false)
    }

    /// The whole stored document (for a recomputation from raw samples).
    func document() -> BSONDocument {
        var metricsDocument = BSONDocument()
        for (name, stats) in metrics.sorted(by: { $0.key < $1.key }) {
            metricsDocument[FieldNames.encode(name)] = .document([
                "min": .double(stats.min), "max": .double(stats.max), "sum": .double(stats.sum),
                "count": .int64(stats.count), "last": .double(stats.last),
            ])
        }
        return ["_id": .string(key.id), "device_id": .string(key.deviceID),
                "minute": .datetime(TelemetryDocument.date(key.minute)), "samples": .int64(samples),
                "m": .document(metricsDocument)]
    }
}
