import Foundation

/// The kinds of fault the simulator can inject (by configuration, `--fault` flag or `inject_fault` command).
public enum FaultKind: String, Sendable, Codable, CaseIterable {
    /// A numeric field jumps by `magnitude` for `count` messages.
    case spike
    /// A numeric field creeps away by `rate` per second.
    case drift
    /// A numeric field freezes at its value when the fault starts.
    case stuck
    /// The device goes silent: no messages, no sequence numbers used.
    case dropout
    /// The sequence number jumps by `gap` (messages look lost downstream).
    case seqGap = "seq_gap"
    /// The payload is cut in half and is no longer JSON.
    case malformed
    /// The payload is padded to `size` bytes.
    case oversize

    /// Parses `seq_gap`, `seqgap`, `seq-gap` and friends.
    public init?(name: String) {
        let key = name.lowercased().replacingOccurrences(of: "-", with: "_")
        if let kind = FaultKind(rawValue: key) {
            self = kind
        } else if key == "seqgap" || key == "gap" {
            self = .seqGap
        } else if key == "silence" {
            self = .dropout
        } else {
            return nil
        }
    }

    /// Whether the fault edits a numeric field (and so needs one).
    public var editsField: Bool { self == .spike || self == .drift || self == .stuck }
}
