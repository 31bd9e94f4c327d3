/// How many servers must acknowledge a write before it returns.
public enum MongoWriteConcern: Sendable, Hashable {
    /// The primary acknowledged the write (`w: 1`).
    case acknowledged
    /// A majority of the replica set acknowledged the write (`w: "majority"`).
    case majority
    /// Fire and forget (`w: 0`): no counts and no errors come back.
    /// Not usable against nx-27017 (the local test server): the connection that sent a `w: 0`
    /// write fails its next command ("Invalid section size in OP_MSG").
    case unacknowledged
    /// `n` members acknowledged the write.
    case w(Int)
    /// `base`, and the write is in the on-disk journal before acknowledgement (`j: true`).
    indirect case journaled(MongoWriteConcern)

    /// The `writeConcern` document sent with a command.
    var document: BSONDocument {
        switch self {
        case .acknowledged: return ["w": .int32(1)]
        case .majority: return ["w": "majority"]
        case .unacknowledged: return ["w": .int32(0)]
        case .w(let n): return ["w": .int32(Int32(clamping: n))]
        case .journaled(let base):
            var d = base.document
            d["j"] = true
            return d
        }
    }

    /// Whether the server sends a reply (anything but `w: 0`).
    var isAcknowledged: Bool {
        switch self {
        case .unacknowledged: false
        case .w(let n): n != 0
        case .journaled: true
        default: true
        }
    }
}
