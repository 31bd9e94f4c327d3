import Foundation
import GRDB
import Synchronization

/// The simulator's on-disk state (SQLite, `{directory}/simulator.sqlite`):
///
/// - `queue`: the store-and-forward queue, one row per telemetry message not yet acknowledged by the
///   broker, keyed by (device, seq) so each device's messages come back in order; at most `capacity`
///   rows per device, the oldest dropped (and counted) beyond that.
/// - `sequence`: each device's last sequence number, so `seq` continues across restarts.
/// - `meta`: whether the last run shut down cleanly.
///
/// Calls are synchronous and short (one transaction each); the outbox batches them per scheduler tick.
public final class StateStore: Sendable {
    /// A message read back from the queue.
    public struct QueuedMessage: Sendable, Equatable {
        public var seq: Int64
        public var topic: String
        public var payload: [UInt8]
        public var qos: Int
    }

    public let path: String
    public let capacity: Int
    private let database: DatabaseQueue
    private let counts = Mutex<[String: Int]>([:])
    /// Whether the previous run closed the store (false after a crash or kill).
    public let previousShutdownWasClean: Bool

    public init(directory: String, capacity: Int) throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        path = (directory as NSString).appendingPathComponent("simulator.sqlite")
        self.capacity = max(1, capacity)
        var configuration = Configuration()
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA journal_mode = WAL")
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
        }
        database = try DatabaseQueue(path: path, configuration: configuration)
        let (clean, loaded) = try database.write { db -> (Bool, [String: Int]) in
            try db.execute(sql: """
                CREATE TABLE IF NOT EXISTS queue (
                    device TEXT NOT NULL, seq INTEGER NOT NULL, topic TEXT NOT NULL, payload BLOB NOT NULL,
                    qos INTEGER NOT NULL, PRIMARY KEY (device, seq)) WITHOUT ROWID;
                CREATE TABLE IF NOT EXISTS sequence (device TEXT PRIMARY KEY, seq INTEGER NOT NULL) WITHOUT ROWID;
                CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
                """)
            let flag = try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'clean_shutdown'")
            try db.execute(sql: "INSERT OR REPLACE INTO meta (key, value) VALUES ('clean_shutdown', '0')")
            var loaded: [String: Int] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT device, COUNT(*) AS n FROM queue GROUP BY device") {
                loaded[row["device"]] = row["n"]
            }
            return (flag != "0", loaded)
        }
        previousShutdownWasClean = clean
        counts.withLock { $0 = loaded }
    }

    // MARK: Queue

    /// Queues telemetry messages (in one transaction); returns how many old messages were dropped
    /// to keep each device within `capacity`.
    @discardableResult
    public func enqueue(_ messages: [(deviceID: String, message: OutgoingMessage)]) throws -> Int {
        guard !messages.isEmpty else { return 0 }
        return try database.write { db in
            // A message queued twice (it failed twice) keeps its first row.
            let insert = try db.cachedStatement(sql: "INSERT OR IGNORE INTO queue (device, seq, topic, payload, qos) VALUES (?, ?, ?, ?, ?)")
            var added: [String: Int] = [:]
            for (deviceID, message) in messages {
                guard let seq = message.seq else { continue }
                try insert.execute(arguments: [deviceID, seq, message.topic, Data(message.payload), message.qos])
                added[deviceID, default: 0] += db.changesCount
            }
            var dropped = 0
            let totals = counts.withLock { counts in added.map { ($0.key, (counts[$0.key] ?? 0) + $0.value) } }
            for (deviceID, total) in totals where total > capacity {
                try db.execute(sql: """
                    DELETE FROM queue WHERE device = ? AND seq IN
                        (SELECT seq FROM queue WHERE device = ? ORDER BY seq LIMIT ?)
                    """, arguments: [deviceID, deviceID, total - capacity])
                dropped += db.changesCount
            }
            counts.withLock { counts in
                for (deviceID, total) in totals { counts[deviceID] = min(total, capacity) }
            }
            return dropped
        }
    }

    /// The oldest `limit` queued messages of a device, in sequence order.
    public func peek(deviceID: String, limit: Int) throws -> [QueuedMessage] {
        try database.read { db in
            try Row.fetchAll(db, sql: "SELECT seq, topic, payload, qos FROM queue WHERE device = ? ORDER BY seq LIMIT ?",
                             arguments: [deviceID, limit]).map { row in
                let data: Data = row["payload"]
                return QueuedMessage(seq: row["seq"], topic: row["topic"], payload: [UInt8](data), qos: row["qos"])
            }
        }
    }

    /// Removes a device's queued messages up to and including `seq` (they were acknowledged).
    public func remove(deviceID: String, through seq: Int64) throws {
        try database.write { db in
            try db.execute(sql: "DELETE FROM queue WHERE device = ? AND seq <= ?", arguments: [deviceID, seq])
            let removed = db.changesCount
            counts.withLock { $0[deviceID] = max(0, ($0[deviceID] ?? 0) - removed) }
        }
    }

    /// Queued messages of one device (kept in memory, no query).
    public func depth(deviceID: String) -> Int { counts.withLock { $0[deviceID] ?? 0 } }

    /// Queued messages of all devices.
    public var totalDepth: Int { counts.withLock { $0.values.reduce(0, +) } }

    /// Devices with queued messages.
    public var backloggedDevices: [String] { counts.withLock { $0.filter { $0.value > 0 }.map(\.key) } }

    // MARK: Sequence numbers

    /// The last sequence number of every device known to the store: the saved one or, if higher,
    /// the highest still queued.
    public func lastSequences() throws -> [String: Int64] {
        try database.read { db in
            var result: [String: Int64] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT device, seq FROM sequence") {
                result[row["device"]] = row["seq"]
            }
            for row in try Row.fetchAll(db, sql: "SELECT device, MAX(seq) AS seq FROM queue GROUP BY device") {
                let device: String = row["device"]
                let seq: Int64 = row["seq"]
                result[device] = max(result[device] ?? 0, seq)
            }
            return result
        }
    }

    public func saveSequences(_ sequences: [(deviceID: String, seq: Int64)]) throws {
        guard !sequences.isEmpty else { return }
        try database.write { db in
            let upsert = try db.cachedStatement(sql: "INSERT OR REPLACE INTO sequence (device, seq) VALUES (?, ?)")
            for (deviceID, seq) in sequences { try upsert.execute(arguments: [deviceID, seq]) }
        }
    }

    /// Marks a clean shutdown (call last).
    public func close() throws {
        try database.write { db in
            try db.execute(sql: "INSERT OR REPLACE INTO meta (key, value) VALUES ('clean_shutdown', '1')")
        }
    }
}
