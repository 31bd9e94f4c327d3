import SCADACore

/// One device the configuration asks for, with its names resolved.
public struct DevicePlan: Sendable, Equatable {
    public var profileName: String
    public var index: Int
    public var deviceID: String
    public var topic: String
    /// Wall-clock seconds between messages.
    public var interval: Double
    public var qos: Int
    public var parameters: [String: Double]

    public var profile: DeviceProfile? { DeviceProfiles.named(profileName) }
    public var commandTopic: String { topic + "/commands" }
    public var ackTopic: String { topic + "/commands/ack" }
    public var statusTopic: String { "status/" + deviceID }
}

/// The configured fleet, expanded to devices.
public enum FleetPlan {
    /// Every device of every group, in configuration order; ids and topics must be unique.
    public static func devices(_ configuration: SimulatorConfiguration) throws -> [DevicePlan] {
        var plans: [DevicePlan] = []
        var ids = Set<String>()
        var topics = Set<String>()
        for (groupIndex, group) in configuration.devices.enumerated() {
            guard let profile = DeviceProfiles.named(group.profile) else {
                throw ConfigurationError(.invalidValue, "simulator.devices[\(groupIndex)].profile '\(group.profile)' is unknown")
            }
            for offset in 0..<max(0, group.count) {
                let index = group.firstIndex + offset
                let id = DeviceNaming.expand(group.id ?? profile.idTemplate, index: index)
                let topic = DeviceNaming.expand(group.topic ?? profile.topicTemplate, index: index, id: id)
                guard !id.isEmpty, !topic.isEmpty, !topic.contains("+"), !topic.contains("#") else {
                    throw ConfigurationError(.invalidValue, "simulator.devices[\(groupIndex)]: device \(index) has an empty id or a topic with wildcards ('\(id)', '\(topic)')")
                }
                guard ids.insert(id).inserted else {
                    throw ConfigurationError(.invalidValue, "simulator.devices[\(groupIndex)]: device id '\(id)' is used twice (set distinct id templates or firstIndex)")
                }
                guard topics.insert(topic).inserted else {
                    throw ConfigurationError(.invalidValue, "simulator.devices[\(groupIndex)]: topic '\(topic)' is used twice (a topic template needs {n} or {id})")
                }
                plans.append(DevicePlan(profileName: profile.name, index: index, deviceID: id, topic: topic,
                                        interval: group.interval ?? profile.defaultInterval,
                                        qos: group.qos ?? configuration.qos, parameters: group.parameters))
            }
        }
        return plans
    }
}
