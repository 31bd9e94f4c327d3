/// Options of ``MongoCollection/find(_:options:)``.
public struct MongoFindOptions: Sendable, Equatable {
    /// Sort specification, e.g. `["ts": -1]`.
    public var sort: BSONDocument?
    /// At most this many documents (nil or 0: no limit).
    public var limit: Int?
    public var skip: Int?
    /// Fields to include (`1`) or exclude (`0`).
    public var projection: BSONDocument?
    /// Documents per server round trip.
    public var batchSize: Int?
    /// Server-side time limit; expiry is reported as ``MongoError/Kind/timeout``.
    public var maxTime: Duration?

    public init(
        sort: BSONDocument? = nil, limit: Int? = nil, skip: Int? = nil, projection: BSONDocument? = nil,
        batchSize: Int? = nil, maxTime: Duration? = nil
    ) {
        self.sort = sort
        self.limit = limit
        self.skip = skip
        self.projection = projection
        self.batchSize = batchSize
        self.maxTime = maxTime
    }

    /// The options document libmongoc's `find_with_opts` takes.
    var document: BSONDocument {
        var d = BSONDocument()
        if let sort { d.append("sort", .document(sort)) }
        if let limit, limit > 0 { d.append("limit", .int64(Int64(limit))) }
        if let skip, skip > 0 { d.append("skip", .int64(Int64(skip))) }
        if let projection { d.append("projection", .document(projection)) }
        if let batchSize, batchSize > 0 { d.append("batchSize", .int32(Int32(clamping: batchSize))) }
        if let maxTime { d.append("maxTimeMS", .int64(maxTime.milliseconds)) }
        return d
    }
}

extension Duration {
    /// Whole milliseconds, rounded up so a short positive duration never becomes 0 (= no limit).
    var milliseconds: Int64 {
        let (seconds, attoseconds) = components
        let ms = seconds * 1000 + attoseconds / 1_000_000_000_000_000
        return attoseconds % 1_000_000_000_000_000 > 0 ? ms + 1 : ms
    }
}
