/// One entry of `simulator.devices`: `count` devices of one profile.
///
/// Only `profile` is required; everything else falls back to the profile's defaults.
public struct DeviceGroup: Codable, Sendable, Equatable {
    /// `manufacturing`, `energy`, `environment`, `cnc`, `vehicle` or `fish_tank`.
    public var profile: String
    public var count: Int
    /// Seconds (wall clock) between two messages of one device.
    public var interval: Double?
    /// Topic template (see `DeviceNaming`); the profile's default when nil.
    public var topic: String?
    /// Device-id template; the profile's default when nil.
    public var id: String?
    /// Number of the group's first device (`{n}`), so two groups can continue one numbering.
    public var firstIndex: Int
    /// QoS for this group's telemetry; the simulator's `qos` when nil.
    public var qos: Int?
    /// Profile parameters (see each profile's `parameters`), e.g. `ambientTemperature: 19`.
    public var parameters: [String: Double]

    public init(profile: String, count: Int = 1, interval: Double? = nil, topic: String? = nil, id: String? = nil,
                firstIndex: Int = 1, qos: Int? = nil, parameters: [String: Double] = [:]) {
        self.profile = profile
        self.count = count
        self.interval = interval
        self.topic = topic
        self.id = id
        self.firstIndex = firstIndex
        self.qos = qos
        self.parameters = parameters
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case profile, count, interval, topic, id, firstIndex, qos, parameters
    }

    public init(from decoder: any Decoder) throws {
        try UnknownKeys.reject(in: decoder, known: CodingKeys.allCases.map(\.rawValue), what: "device group")
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(profile: try c.decode(String.self, forKey: .profile))
        count = try c.decodeIfPresent(Int.self, forKey: .count) ?? DeviceProfiles.named(profile)?.defaultCount ?? 1
        interval = try c.decodeIfPresent(Double.self, forKey: .interval)
        topic = try c.decodeIfPresent(String.self, forKey: .topic)
        id = try c.decodeIfPresent(String.self, forKey: .id)
        firstIndex = try c.decodeIfPresent(Int.self, forKey: .firstIndex) ?? 1
        qos = try c.decodeIfPresent(Int.self, forKey: .qos)
        parameters = try c.decodeIfPresent([String: Double].self, forKey: .parameters) ?? [:]
    }

    /// One group per profile with the profile's default count: the demo fleet.
    public static var defaults: [DeviceGroup] {
        DeviceProfiles.all.map { DeviceGroup(profile: $0.name, count: $0.defaultCount) }
    }
}
