/// A vehicle (`factory/vehicles/{id}`): speed 0-120 km/h, accelerating and braking toward targets that
/// change now and then, with Gaussian noise (the seed's vehicle simulator).
public struct Vehicle: DeviceModel {
    public static let profile = DeviceProfile(
        name: "vehicle", aliases: ["vehicles"], idField: "device_id",
        topicTemplate: "factory/vehicles/{id}", idTemplate: "vehicle_{nn}", defaultCount: 3, defaultInterval: 1,
        faultField: "speed", commands: ["set_power", "set_setpoint(target_speed)"],
        parameters: ["maxSpeed": 120, "acceleration": 2.5, "deceleration": 4.0, "targetChangeSeconds": 30, "noise": 0.5],
        make: { context, random in Vehicle(context, random: &random) })

    /// km/h.
    public private(set) var speed: Double = 0
    /// km/h.
    public private(set) var targetSpeed: Double
    /// m/s², negative when braking.
    public private(set) var acceleration: Double = 0
    public private(set) var engineOn = true
    private var manualTarget = false
    private let maxSpeed: Double
    private let maxAcceleration: Double
    private let maxDeceleration: Double
    private let targetChangeSeconds: Double
    private let noise: Double

    public init(_ context: DeviceContext, random: inout SeededRandom) {
        maxSpeed = context.parameter("maxSpeed", 120)
        maxAcceleration = context.parameter("acceleration", 2.5)
        maxDeceleration = context.parameter("deceleration", 4.0)
        targetChangeSeconds = max(1, context.parameter("targetChangeSeconds", 30))
        noise = context.parameter("noise", 0.5)
        targetSpeed = random.uniform(20...maxSpeed)
    }

    public mutating func advance(_ step: SimulationStep, random: inout SeededRandom) {
        let dt = step.seconds
        if engineOn, !manualTarget, random.chance(min(1, dt / targetChangeSeconds)) {
            // Mostly cruising targets, sometimes a stop.
            targetSpeed = random.chance(0.1) ? 0 : random.uniform(10...maxSpeed)
        }
        let goal = engineOn ? targetSpeed : 0
        let previous = speed
        let kmhPerSecond = 3.6
        let change = (goal - speed).clamped(to: -maxDeceleration * kmhPerSecond * dt...maxAcceleration * kmhPerSecond * dt)
        speed = (speed + change + random.gaussian(deviation: noise)).clamped(to: 0...maxSpeed)
        acceleration = dt > 0 ? (speed - previous) / kmhPerSecond / dt : 0
    }

    public func fields() -> [Field] {
        [.number("speed", speed, 1), .number("target_speed", engineOn ? targetSpeed : 0, 1),
         .number("acceleration", acceleration, 2)]
    }

    public mutating func apply(_ command: DeviceCommand) throws(CommandRejection) -> Bool {
        switch command.name {
        case "set_power":
            engineOn = try command.bool("on")
        case "set_setpoint":
            let name = try command.string("name")
            guard name == "target_speed" else { throw CommandRejection("unknown setpoint '\(name)' (known: target_speed)") }
            let value = try command.number("value")
            guard (0...maxSpeed).contains(value) else { throw CommandRejection("target_speed \(value) is outside 0...\(maxSpeed)") }
            targetSpeed = value
            manualTarget = true
        default:
            return false
        }
        return true
    }
}
