/// An environmental-monitoring PLC (`factory/environment`): HVAC-controlled temperature, humidity
/// that falls as the air warms, CO2 and noise that follow shift occupancy, and derived indices.
public struct EnvironmentMonitor: DeviceModel {
    public static let profile = DeviceProfile(
        name: "environment", aliases: ["env"], idField: "plc_id",
        topicTemplate: "factory/environment{n?}", idTemplate: "ENV{n}-PLC", defaultCount: 1, defaultInterval: 1,
        faultField: "temperature", commands: ["set_power", "set_setpoint(temperature)"],
        parameters: ["temperatureSetpoint": 22, "outsideTemperature": 15, "humidity": 45, "co2Outdoor": 420],
        make: { context, random in EnvironmentMonitor(context, random: &random) })

    public private(set) var temperature: Double
    public private(set) var humidity: Double
    public private(set) var co2Level: Double
    public private(set) var noiseLevel: Double = 45
    public private(set) var hvacOn = true
    private var setpoint: Double
    private var outside: Signal
    private var humidityDrift: Signal
    private var co2Drift = Signal(base: 0, noise: 6, drift: 25, driftTime: 1800)
    private var particulates = Signal(base: 12, noise: 1, drift: 4, driftTime: 3600)
    private let co2Outdoor: Double

    public init(_ context: DeviceContext, random: inout SeededRandom) {
        setpoint = context.parameter("temperatureSetpoint", 22)
        outside = Signal(base: context.parameter("outsideTemperature", 15), drift: 1.5, driftTime: 4 * 3600,
                         dailyAmplitude: 6, dailyPeakHour: 15)
        humidityDrift = Signal(base: context.parameter("humidity", 45), noise: 0.4, drift: 3, driftTime: 3 * 3600)
        co2Outdoor = context.parameter("co2Outdoor", 420)
        temperature = setpoint
        humidity = humidityDrift.base
        co2Level = co2Outdoor + 100
    }

    public mutating func advance(_ step: SimulationStep, random: inout SeededRandom) {
        let dt = step.seconds
        let people = occupancy(hour: step.hourOfDay)
        let outsideNow = outside.advance(step, random: &random)
        // HVAC holds the setpoint (people and sun add a little); without it the hall follows outside.
        let goal = hvacOn ? setpoint + 0.8 * people + 0.1 * (outsideNow - setpoint) : outsideNow + 3 * people
        temperature = approach(temperature, target: goal, tau: hvacOn ? 900 : 3 * 3600, seconds: dt) + random.gaussian(deviation: 0.05)
        humidity = (humidityDrift.sample(step, random: &random) - 1.5 * (temperature - setpoint)).clamped(to: 5...95)
        let co2Goal = co2Outdoor + 500 * people + (hvacOn ? 0 : 300 * people) + co2Drift.sample(step, random: &random)
        co2Level = max(co2Outdoor - 20, approach(co2Level, target: co2Goal, tau: 1200, seconds: dt))
        noiseLevel = 42 + 28 * people + random.gaussian(deviation: 1.5)
        _ = particulates.sample(step, random: &random)
    }

    /// 0 (clean) upward, from CO2 above outdoor air and particulates.
    public var airQualityIndex: Double {
        max(0, (co2Level - co2Outdoor) / 12 + particulates.base + particulates.offset)
    }

    public var airQualityStatus: String {
        switch airQualityIndex {
        case ..<50: return "good"
        case ..<100: return "moderate"
        default: return "poor"
        }
    }

    /// 0-100: best at 21-23 °C, 40-55 % humidity and fresh air.
    public var comfortIndex: Double {
        let heat = max(0, abs(temperature - 22) - 1) * 8
        let damp = max(0, abs(humidity - 47.5) - 7.5) * 1.5
        let stale = max(0, co2Level - 800) / 25
        return (100 - heat - damp - stale).clamped(to: 0...100)
    }

    public func fields() -> [Field] {
        [.number("temperature", temperature, 1),
         .number("humidity", humidity, 1),
         .number("co2_level", co2Level, 1),
         .object("air_quality", [.number("index", airQualityIndex, 1), .string("status", airQualityStatus)]),
         .number("noise_level", noiseLevel, 1),
         .number("comfort_index", comfortIndex, 1)]
    }

    public mutating func apply(_ command: DeviceCommand) throws(CommandRejection) -> Bool {
        switch command.name {
        case "set_power":
            hvacOn = try command.bool("on")
        case "set_setpoint":
            let name = try command.string("name")
            guard name == "temperature" else { throw CommandRejection("unknown setpoint '\(name)' (known: temperature)") }
            let value = try command.number("value")
            guard (5...40).contains(value) else { throw CommandRejection("temperature setpoint \(value) is outside 5...40") }
            setpoint = value
        default:
            return false
        }
        return true
    }
}
