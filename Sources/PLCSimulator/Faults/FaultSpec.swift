import Foundation

/// One fault to inject: what, on which devices, when and how strong.
///
/// The same keys work in the YAML `faults:` list, in `--fault kind:key=value,...` and in the params
/// of an `inject_fault` command. Times are wall-clock seconds, counted from simulator start
/// (configuration and flags) or from the command's arrival.
public struct FaultSpec: Sendable, Equatable, Codable {
    public var kind: FaultKind
    /// Device id, `*` for every device, a prefix ending in `*` (`LINE*`), or `profile:NAME`.
    public var device: String = "*"
    /// Dotted path of the numeric field to edit; empty for the profile's default field.
    public var field: String = ""
    /// Seconds before the first episode starts.
    public var after: Double = 0
    /// Seconds an episode lasts; 0 means "for `count` messages".
    public var duration: Double = 0
    /// Messages an episode affects when `duration` is 0.
    public var count: Int = 1
    /// Spike height added to the value; 0 means "as large as the value itself, at least 10".
    public var magnitude: Double = 0
    /// Drift per second.
    public var rate: Double = 1
    /// Sequence numbers skipped by a `seq_gap`.
    public var gap: Int = 5
    /// Payload size of an `oversize` message in bytes.
    public var size: Int = 262_144
    /// Seconds between episode starts; 0 means the fault happens once.
    public var every: Double = 0

    public init(kind: FaultKind, device: String = "*", field: String = "", after: Double = 0, duration: Double = 0,
                count: Int = 1, magnitude: Double = 0, rate: Double = 1, gap: Int = 5, size: Int = 262_144,
                every: Double = 0) {
        self.kind = kind
        self.device = device
        self.field = field
        self.after = after
        self.duration = duration
        self.count = count
        self.magnitude = magnitude
        self.rate = rate
        self.gap = gap
        self.size = size
        self.every = every
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case kind, device, field, after, duration, count, magnitude, rate, gap, size, every
    }

    public init(from decoder: any Decoder) throws {
        try UnknownKeys.reject(in: decoder, known: CodingKeys.allCases.map(\.rawValue), what: "fault")
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let name = try c.decode(String.self, forKey: .kind)
        guard let kind = FaultKind(name: name) else {
            throw DecodingError.dataCorruptedError(forKey: .kind, in: c, debugDescription:
                "unknown fault kind '\(name)' (known: \(FaultKind.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        self.init(kind: kind)
        device = try c.decodeIfPresent(String.self, forKey: .device) ?? device
        field = try c.decodeIfPresent(String.self, forKey: .field) ?? field
        after = try c.decodeIfPresent(Double.self, forKey: .after) ?? after
        duration = try c.decodeIfPresent(Double.self, forKey: .duration) ?? duration
        count = try c.decodeIfPresent(Int.self, forKey: .count) ?? count
        magnitude = try c.decodeIfPresent(Double.self, forKey: .magnitude) ?? magnitude
        rate = try c.decodeIfPresent(Double.self, forKey: .rate) ?? rate
        gap = try c.decodeIfPresent(Int.self, forKey: .gap) ?? gap
        size = try c.decodeIfPresent(Int.self, forKey: .size) ?? size
        every = try c.decodeIfPresent(Double.self, forKey: .every) ?? every
        if let problem = validationProblem {
            throw DecodingError.dataCorruptedError(forKey: .kind, in: c, debugDescription: problem)
        }
    }

    /// What is wrong with the values, if anything.
    public var validationProblem: String? {
        if after < 0 || duration < 0 || every < 0 { return "fault times (after, duration, every) must not be negative" }
        if count < 1 { return "fault count must be at least 1" }
        if kind == .seqGap, gap < 1 { return "seq_gap needs gap >= 1" }
        if kind == .oversize, size < 1 { return "oversize needs size >= 1" }
        if every > 0, duration >= every { return "fault duration must be shorter than its repeat period 'every'" }
        return nil
    }

    /// Parses the flag form `spike:device=LINE1-PLC,field=temperature,magnitude=40` (or `kind=spike,...`).
    public static func parse(_ text: String) throws(CommandRejection) -> FaultSpec {
        var pairs: [String: String] = [:]
        var rest = Substring(text)
        if let colon = rest.firstIndex(of: ":"), !rest[..<colon].contains("=") {
            pairs["kind"] = String(rest[..<colon])
            rest = rest[rest.index(after: colon)...]
        }
        for item in rest.split(separator: ",") where !item.isEmpty {
            let parts = item.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2 else { throw CommandRejection("fault option '\(item)' is not key=value") }
            pairs[parts[0]] = parts[1]
        }
        var params: [String: JSONValue] = [:]
        for (key, value) in pairs {
            params[key] = Double(value).map(JSONValue.number) ?? .string(value)
        }
        if let device = pairs["device"] { params["device"] = .string(device) }
        if let field = pairs["field"] { params["field"] = .string(field) }
        return try from(params: params)
    }

    /// Builds a spec from command params (`{"kind": "stuck", "duration": 10}`).
    public static func from(params: [String: JSONValue]) throws(CommandRejection) -> FaultSpec {
        let known = Set(CodingKeys.allCases.map(\.rawValue))
        if let unknown = params.keys.sorted().first(where: { !known.contains($0) }) {
            throw CommandRejection("unknown fault option '\(unknown)' (known: \(known.sorted().joined(separator: ", ")))")
        }
        guard case .string(let name)? = params["kind"] else { throw CommandRejection("fault needs a 'kind'") }
        guard let kind = FaultKind(name: name) else {
            throw CommandRejection("unknown fault kind '\(name)' (known: \(FaultKind.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        var spec = FaultSpec(kind: kind)
        func number(_ key: String) throws(CommandRejection) -> Double? {
            switch params[key] {
            case nil, .null?: return nil
            case .number(let value)?: return value
            default: throw CommandRejection("fault option '\(key)' must be a number")
            }
        }
        func text(_ key: String) throws(CommandRejection) -> String? {
            switch params[key] {
            case nil, .null?: return nil
            case .string(let value)?: return value
            default: throw CommandRejection("fault option '\(key)' must be a string")
            }
        }
        spec.device = try text("device") ?? spec.device
        spec.field = try text("field") ?? spec.field
        spec.after = try number("after") ?? spec.after
        spec.duration = try number("duration") ?? spec.duration
        spec.count = try number("count").map { Int($0) } ?? spec.count
        spec.magnitude = try number("magnitude") ?? spec.magnitude
        spec.rate = try number("rate") ?? spec.rate
        spec.gap = try number("gap").map { Int($0) } ?? spec.gap
        spec.size = try number("size").map { Int($0) } ?? spec.size
        spec.every = try number("every") ?? spec.every
        if let problem = spec.validationProblem { throw CommandRejection(problem) }
        return spec
    }

    /// Whether the spec's `device` selects this device.
    public func matches(deviceID: String, profile: String) -> Bool {
        if device == "*" || device.isEmpty || device == deviceID { return true }
        if device.hasPrefix("profile:") {
            return DeviceProfiles.named(String(device.dropFirst("profile:".count)))?.name == profile
        }
        if device.hasSuffix("*") { return deviceID.hasPrefix(device.dropLast()) }
        return false
    }
}
