/// A production line PLC (`factory/line{n}`): line speed drives the production count, motor
/// temperature and vibration; quality falls as vibration rises; alarms on heat or vibration.
public struct ManufacturingLine: DeviceModel {
    public static let profile = DeviceProfile(
        name: "manufacturing", aliases: ["line", "plc"], idField: "plc_id",
        topicTemplate: "factory/line{n}", idTemplate: "LINE{n}-PLC", defaultCount: 1, defaultInterval: 1,
        faultField: "temperature", commands: ["set_power", "set_setpoint(line_speed)"],
        parameters: ["lineSpeed": 100, "ambientTemperature": 22, "temperatureAlarm": 35, "vibrationAlarm": 1.0,
                     "productionCount": 0],
        make: { context, random in ManufacturingLine(context, random: &random) })

    public enum Status: String, Sendable { case running, stopped, maintenance }

    public private(set) var status: Status = .running
    /// Units per minute the line is asked to run at.
    public private(set) var targetSpeed: Double
    /// Units per minute.
    public private(set) var lineSpeed: Double
    public private(set) var productionCount: Double
    public private(set) var temperature: Double
    public private(set) var pressure: Double = 1.25
    public private(set) var vibration: Double = 0
    public private(set) var qualityRate: Double = 99
    public private(set) var alarm = false
    private var nominalSpeed: Double
    private var ambient: Signal
    private var pressureSignal = Signal(base: 1.25, noise: 0.01, drift: 0.03, driftTime: 1800)
    private var wear = Signal(base: 0, drift: 0.05, driftTime: 6 * 3600)
    private var maintenanceLeft: Double = 0
    private let temperatureAlarm: Double
    private let vibrationAlarm: Double

    public init(_ context: DeviceContext, random: inout SeededRandom) {
        nominalSpeed = context.parameter("lineSpeed", 100)
        targetSpeed = nominalSpeed
        lineSpeed = nominalSpeed
        productionCount = context.parameter("productionCount", 0)
        ambient = Signal(base: context.parameter("ambientTemperature", 22), noise: 0.15, drift: 0.4,
                         dailyAmplitude: 1.5, dailyPeakHour: 15)
        temperature = ambient.base + 0.04 * nominalSpeed
        temperatureAlarm = context.parameter("temperatureAlarm", 35)
        vibrationAlarm = context.parameter("vibrationAlarm", 1.0)
    }

    public mutating func advance(_ step: SimulationStep, random: inout SeededRandom) {
        let dt = step.seconds
        updateStatus(dt, random: &random)
        // Production orders change the target speed now and then (about once an hour).
        if status == .running, random.chance(min(1, dt / 3600)) {
            targetSpeed = nominalSpeed * random.uniform(0.85...1.1)
        }
        let speedGoal = status == .running ? targetSpeed : 0
        let previousSpeed = lineSpeed
        lineSpeed = max(0, approach(lineSpeed, target: speedGoal, tau: 30, seconds: dt) + random.gaussian(deviation: 0.4))
        if speedGoal == 0, lineSpeed < 0.5 { lineSpeed = 0 }
        productionCount += (previousSpeed + lineSpeed) / 2 * dt / 60

        let motorHeat = 0.04 * lineSpeed
        temperature = approach(temperature, target: ambient.advance(step, random: &random) + motorHeat, tau: 600, seconds: dt)
            + random.gaussian(deviation: 0.1)
        pressure = pressureSignal.sample(step, random: &random)
        let bearingWear = abs(wear.advance(step, random: &random))
        vibration = max(0, 0.05 + 0.004 * lineSpeed + bearingWear + random.gaussian(deviation: 0.02))
        qualityRate = (99.5 - 8 * max(0, vibration - 0.4) + random.gaussian(deviation: 0.2)).clamped(to: 0...100)
        alarm = temperature > temperatureAlarm || vibration > vibrationAlarm || !(0.9...1.6).contains(pressure)
    }

    /// Rare maintenance stops (about one a day) that last 10-30 simulated minutes.
    private mutating func updateStatus(_ dt: Double, random: inout SeededRandom) {
        switch status {
        case .maintenance:
            maintenanceLeft -= dt
            if maintenanceLeft <= 0 { status = .running }
        case .running:
            if random.chance(min(1, dt / 86_400)) {
                status = .maintenance
                maintenanceLeft = random.uniform(600...1800)
            }
        case .stopped:
            break
        }
    }

    public func fields() -> [Field] {
        [.integer("production_count", Int64(productionCount.rounded(.down))),
         .number("line_speed", lineSpeed, 1),
         .number("temperature", temperature, 1),
         .number("pressure", pressure, 2),
         .number("vibration", vibration, 2),
         .number("quality_rate", qualityRate, 1),
         .bool("alarm", alarm),
         .string("status", status.rawValue)]
    }

    public mutating func apply(_ command: DeviceCommand) throws(CommandRejection) -> Bool {
        switch command.name {
        case "set_power":
            status = try command.bool("on") ? .running : .stopped
        case "set_setpoint":
            let name = try command.string("name")
            guard name == "line_speed" else { throw CommandRejection("unknown setpoint '\(name)' (known: line_speed)") }
            let value = try command.number("value")
            guard (0...1000).contains(value) else { throw CommandRejection("line_speed \(value) is outside 0...1000") }
            targetSpeed = value
            nominalSpeed = value
        default:
            return false
        }
        return true
    }
}
