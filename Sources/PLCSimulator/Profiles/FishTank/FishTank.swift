import Foundation

/// A heated fish tank (`factory/fishtank/{id}`), a closed loop students and operators can control:
/// heater on raises the temperature with thermal inertia, off lets it fall toward the room. The
/// built-in hysteresis controller runs by default; `set_controller external` hands the heater to
/// an outside controller (via `set_heater`). Range data is published retained on `.../range`.
public struct FishTank: DeviceModel {
    public static let profile = DeviceProfile(
        name: "fish_tank", aliases: ["fishtank", "tank"], idField: "device_id",
        topicTemplate: "factory/fishtank/{id}", idTemplate: "tank_{nn}", defaultCount: 1, defaultInterval: 1,
        faultField: "temperature", commands: ["set_heater", "set_range", "set_controller"],
        parameters: ["ambientTemperature": 21, "initialTemperature": 23, "heaterRise": 10,
                     "waterTimeConstant": 3600, "heaterTimeConstant": 300,
                     "temperatureMin": 24, "temperatureMax": 27],
        make: { context, random in FishTank(context, random: &random) })

    public enum ControllerMode: String, Sendable { case builtin, external }

    public private(set) var thermal: TankThermalModel
    public private(set) var heaterOn = false
    public private(set) var controller: ControllerMode
    public private(set) var ranges: TankRanges
    public private(set) var ph: Double = 7
    public private(set) var dissolvedOxygen: Double = 8
    public private(set) var ammonia: Double = 0.05
    public private(set) var waterLevel: Double = 98
    private var ambient: Signal
    private var phSignal = Signal(base: 7.0, noise: 0.02, drift: 0.12, driftTime: 6 * 3600)
    private var measuredTemperature: Double
    private let reference = HysteresisController()

    public init(_ context: DeviceContext, random: inout SeededRandom) {
        let room = context.parameter("ambientTemperature", 21)
        ambient = Signal(base: room, drift: 0.5, driftTime: 4 * 3600, dailyAmplitude: 1.0, dailyPeakHour: 16)
        thermal = TankThermalModel(waterTemperature: context.parameter("initialTemperature", 23),
                                   heaterRise: context.parameter("heaterRise", 10),
                                   waterTimeConstant: max(1, context.parameter("waterTimeConstant", 3600)),
                                   heaterTimeConstant: max(1, context.parameter("heaterTimeConstant", 300)))
        ranges = TankRanges(temperature: .init(min: context.parameter("temperatureMin", 24),
                                               max: context.parameter("temperatureMax", 27)))
        controller = context.externalController ? .external : .builtin
        measuredTemperature = thermal.waterTemperature
        waterLevel = random.uniform(95...99)
    }

    public mutating func advance(_ step: SimulationStep, random: inout SeededRandom) {
        let dt = step.seconds
        let room = ambient.advance(step, random: &random)
        thermal.advance(seconds: dt, heaterOn: heaterOn, ambient: room)
        let water = thermal.waterTemperature
        measuredTemperature = water + random.gaussian(deviation: 0.03)
        // Warm water holds less oxygen (saturation curve, mg/L), the pump keeps it near 85 %.
        let saturation = 14.62 - 0.3898 * water + 0.006969 * water * water - 0.00005896 * water * water * water
        dissolvedOxygen = max(0, 0.85 * saturation + random.gaussian(deviation: 0.05))
        // Fish excrete ammonia, the biofilter removes it; warmer water speeds both up.
        let activity = 1 + 0.05 * (water - 25)
        ammonia = max(0, approach(ammonia, target: 0.08 * activity, tau: 12 * 3600, seconds: dt) + random.gaussian(deviation: 0.002))
        ph = (phSignal.sample(step, random: &random) - 0.3 * ammonia).clamped(to: 4...10)
        // Evaporation (faster when warm), topped up automatically at 92 %.
        waterLevel -= 0.05 * max(0.2, 1 + (water - 20) / 10) * dt / 3600
        if waterLevel < 92 { waterLevel = 100 }
        if controller == .builtin {
            heaterOn = reference.heater(temperature: measuredTemperature, band: ranges.temperature, currentlyOn: heaterOn)
        }
    }

    public var temperature: Double { measuredTemperature }

    public func fields() -> [Field] {
        [.number("temperature", measuredTemperature, 2),
         .number("ph", ph, 2),
         .number("dissolved_oxygen", dissolvedOxygen, 2),
         .number("ammonia", ammonia, 3),
         .number("water_level", waterLevel, 1),
         .bool("heater", heaterOn),
         .string("controller", controller.rawValue)]
    }

    public func retainedMessages(_ header: MessageHeader) -> [RetainedMessage] {
        [RetainedMessage(topicSuffix: "range", fields: ranges.message(deviceID: header.deviceID, timestampMs: header.timestampMs))]
    }

    public mutating func apply(_ command: DeviceCommand) throws(CommandRejection) -> Bool {
        switch command.name {
        case "set_heater", "set_power":
            heaterOn = try command.bool("on")
        case "set_range":
            let measurement = try command.optionalString("measurement") ?? "temperature"
            try ranges.set(measurement, min: try command.number("min"), max: try command.number("max"))
        case "set_controller":
            let mode = try command.string("mode")
            guard let parsed = ControllerMode(rawValue: mode) else {
                throw CommandRejection("controller mode '\(mode)' is not builtin or external")
            }
            controller = parsed
        default:
            return false
        }
        return true
    }
}
