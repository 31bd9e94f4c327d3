/// The identity fields every message starts with.
public struct MessageHeader: Sendable, Equatable {
    /// `plc_id`, `cnc_id` or `device_id` (docs/payloads.md).
    public var idField: String
    public var deviceID: String
    /// Wall-clock UTC milliseconds.
    public var timestampMs: Int64
    public var seq: Int64

    public init(idField: String, deviceID: String, timestampMs: Int64, seq: Int64) {
        self.idField = idField
        self.deviceID = deviceID
        self.timestampMs = timestampMs
        self.seq = seq
    }
}

/// A message a device keeps retained next to its telemetry (the fish tank's range data).
public struct RetainedMessage: Sendable, Equatable {
    /// Appended to the device topic with a slash (`range` -> `factory/fishtank/tank_01/range`).
    public var topicSuffix: String
    public var fields: [Field]
}

/// One simulated device's behaviour: how its state evolves, what it publishes and which commands it takes.
///
/// A new device kind is one type conforming to this protocol plus a `DeviceProfile` describing it.
public protocol DeviceModel: Sendable {
    /// Advances the device's state by one publish interval of simulated time.
    mutating func advance(_ step: SimulationStep, random: inout SeededRandom)
    /// The measurement fields, in publish order.
    func fields() -> [Field]
    /// The whole message: by default the header (id, timestamp, seq) followed by `fields()`.
    func message(_ header: MessageHeader) -> [Field]
    /// Applies a profile command; returns false when this profile does not know the command.
    mutating func apply(_ command: DeviceCommand) throws(CommandRejection) -> Bool
    /// Retained side messages, republished on every connect and after every accepted command.
    func retainedMessages(_ header: MessageHeader) -> [RetainedMessage]
}

extension DeviceModel {
    public func message(_ header: MessageHeader) -> [Field] {
        [.string(header.idField, header.deviceID), .integer("timestamp", header.timestampMs),
         .integer("seq", header.seq)] + fields()
    }

    public mutating func apply(_ command: DeviceCommand) throws(CommandRejection) -> Bool { false }

    public func retainedMessages(_ header: MessageHeader) -> [RetainedMessage] { [] }
}

/// What a profile's factory knows about the device it builds.
public struct DeviceContext: Sendable {
    /// 1-based device number within its group (`{n}` in templates).
    public var index: Int
    public var deviceID: String
    /// Profile parameters from the configuration, over the profile's defaults.
    public var parameters: [String: Double]
    /// Fish tanks: start with the built-in controller switched off.
    public var externalController: Bool
    /// Simulated start time, seconds since the Unix epoch.
    public var startTime: Double

    public init(index: Int, deviceID: String, parameters: [String: Double] = [:], externalController: Bool = false,
                startTime: Double = 0) {
        self.index = index
        self.deviceID = deviceID
        self.parameters = parameters
        self.externalController = externalController
        self.startTime = startTime
    }

    /// A parameter's value, or `fallback` when the configuration does not set it.
    public func parameter(_ name: String, _ fallback: Double) -> Double {
        parameters[name] ?? fallback
    }
}

/// Describes one kind of device: its name in the configuration, defaults and how to build one.
public struct DeviceProfile: Sendable {
    /// `manufacturing`, `energy`, `environment`, `cnc`, `vehicle`, `fish_tank`.
    public let name: String
    /// Other names accepted in configuration and on the command line.
    public let aliases: [String]
    /// The id key in every payload.
    public let idField: String
    /// Default topic template (`{n}`, `{nn}`, `{nnn}`, `{n?}` and `{id}`; see `DeviceNaming`).
    public let topicTemplate: String
    /// Default device-id template.
    public let idTemplate: String
    public let defaultCount: Int
    /// Default seconds (wall clock) between two messages of one device.
    public let defaultInterval: Double
    /// Field a fault edits when it names none (dotted path).
    public let faultField: String
    /// Profile-specific commands (besides the common ones every device takes).
    public let commands: [String]
    /// Tunable parameters and their defaults (`parameters:` in a device group).
    public let parameters: [String: Double]
    public let make: @Sendable (DeviceContext, inout SeededRandom) -> any DeviceModel

    public init(name: String, aliases: [String] = [], idField: String, topicTemplate: String, idTemplate: String,
                defaultCount: Int, defaultInterval: Double, faultField: String, commands: [String],
                parameters: [String: Double], make: @escaping @Sendable (DeviceContext, inout SeededRandom) -> any DeviceModel) {
        self.name = name
        self.aliases = aliases
        self.idField = idField
        self.topicTemplate = topicTemplate
        self.idTemplate = idTemplate
        self.defaultCount = defaultCount
        self.defaultInterval = defaultInterval
        self.faultField = faultField
        self.commands = commands
        self.parameters = parameters
        self.make = make
    }

    /// Builds a device with the profile's parameter defaults under the configured ones.
    public func makeDevice(_ context: DeviceContext, random: inout SeededRandom) -> any DeviceModel {
        var context = context
        context.parameters = parameters.merging(context.parameters) { _, configured in configured }
        return make(context, &random)
    }
}
