/// API roles, each including the ones below it: viewers read, operators also send commands and act on
/// alarms, admins also see administrative data.
enum Role: String, Sendable, Comparable, CaseIterable {
    case viewer, `operator`, admin

    private var rank: Int {
        switch self {
        case .viewer: 0
        case .operator: 1
        case .admin: 2
        }
    }

    static func < (lhs: Role, rhs: Role) -> Bool { lhs.rank < rhs.rank }
}

/// An authenticated caller: a name for audit records and logs (never the token itself) and a role.
struct Identity: Sendable, Equatable {
    var subject: String
    var role: Role
    /// `token` (static API token) or `jwt`.
    var method: String
}
