import SCADACore
import SCADAMongo

/// The indexes and TTLs of every collection, created at start-up (idempotently).
///
/// `telemetry` would be a time-series collection (`timeField: ts`, `metaField: device_id`) where the
/// server supports it; the local nx-27017 accepts and ignores that, so a regular collection with the
/// same indexes is used everywhere and behaves the same.
enum Indexes {
    static func ensure(_ database: MongoDatabase, retention: DBInterfaceConfiguration.Retention) async throws(MongoError) {
        let day = 86_400
        try await database.collection(Collections.telemetry).createIndexes([
            MongoIndexModel(keys: ["device_id": 1, "ts": -1], name: "device_time"),
            MongoIndexModel(keys: ["ts": 1], name: "ttl_ts", expireAfterSeconds: retention.telemetryDays * day),
        ])
        try await database.collection(Collections.rollups).createIndexes([
            MongoIndexModel(keys: ["device_id": 1, "minute": -1], name: "device_minute"),
            MongoIndexModel(keys: ["minute": 1], name: "ttl_minute", expireAfterSeconds: retention.rollupDays * day),
        ])
        try await database.collection(Collections.devices).createIndexes([
            MongoIndexModel(keys: ["site": 1, "line": 1], name: "site_line"),
            MongoIndexModel(keys: ["device_type": 1], name: "device_type"),
        ])
        try await database.collection(Collections.alerts).createIndexes([
            MongoIndexModel(keys: ["device_id": 1, "ts": -1], name: "device_time"),
            MongoIndexModel(keys: ["kind": 1, "active": 1], name: "kind_active"),
            MongoIndexModel(keys: ["ts": 1], name: "ttl_ts", expireAfterSeconds: retention.alertDays * day),
        ])
        try await database.collection(Collections.commands).createIndexes([
            MongoIndexModel(keys: ["device_id": 1, "ts": -1], name: "device_time"),
            MongoIndexModel(keys: ["ts": 1], name: "ttl_ts", expireAfterSeconds: retention.commandDays * day),
        ])
    }
}
