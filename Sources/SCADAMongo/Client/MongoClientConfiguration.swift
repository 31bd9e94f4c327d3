/// Settings of a ``MongoClient``. Options in `uri` apply too; the fields here override them.
public struct MongoClientConfiguration: Sendable {
    /// Connection string, e.g. `mongodb://127.0.0.1:27017/?replicaSet=rs0`.
    public var uri: String
    /// Name reported to the server in the handshake (shows in server logs and `currentOp`).
    public var appName: String?
    /// Connections kept in the pool, and so the number of operations in flight at once
    /// (each runs on one of as many dedicated threads).
    public var maxPoolSize: Int
    /// How long an operation waits for a usable server before failing with ``MongoError/Kind/connection``.
    public var serverSelectionTimeout: Duration
    /// TCP connect (and TLS handshake) time limit.
    public var connectTimeout: Duration
    /// Time limit of one socket read or write; nil keeps libmongoc's default (5 minutes).
    /// Expiry is reported as ``MongoError/Kind/timeout``.
    public var socketTimeout: Duration?
    /// How often the pool's monitor checks each server; nil keeps libmongoc's default (10 s).
    public var heartbeatFrequency: Duration?
    /// Write concern of writes that pass none.
    public var writeConcern: MongoWriteConcern

    public init(
        uri: String,
        appName: String? = nil,
        maxPoolSize: Int = 8,
        serverSelectionTimeout: Duration = .seconds(30),
        connectTimeout: Duration = .seconds(10),
        socketTimeout: Duration? = nil,
        heartbeatFrequency: Duration? = nil,
        writeConcern: MongoWriteConcern = .acknowledged
    ) {
        self.uri = uri
        self.appName = appName
        self.maxPoolSize = maxPoolSize
        self.serverSelectionTimeout = serverSelectionTimeout
        self.connectTimeout = connectTimeout
        self.socketTimeout = socketTimeout
        self.heartbeatFrequency = heartbeatFrequency
        self.writeConcern = writeConcern
    }
}
