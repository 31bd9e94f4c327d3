/// An energy-management PLC (`factory/energy`): plant load with a daily cycle, three-phase voltages
/// and the currents that load draws, power factor, grid frequency and the energy meter.
public struct EnergyMeter: DeviceModel {
    public static let profile = DeviceProfile(
        name: "energy", aliases: ["power"], idField: "plc_id",
        topicTemplate: "factory/energy{n?}", idTemplate: "ENERGY{n}-PLC", defaultCount: 1, defaultInterval: 1,
        faultField: "power_consumption", commands: ["set_power", "set_setpoint(base_load)"],
        parameters: ["baseLoad": 130, "nominalVoltage": 400, "nominalFrequency": 50, "energyTotal": 12_000],
        make: { context, random in EnergyMeter(context, random: &random) })

    /// kW.
    public private(set) var powerConsumption: Double
    public private(set) var voltages: [Double]
    public private(set) var currents: [Double] = [0, 0, 0]
    public private(set) var powerFactor: Double = 0.87
    public private(set) var frequency: Double
    /// kWh.
    public private(set) var energyTotal: Double
    public private(set) var efficiency: Double = 86
    public private(set) var connected = true
    private var load: Signal
    private var phaseVoltages: [Signal]
    private var frequencySignal: Signal
    private var powerFactorSignal = Signal(base: 0.87, noise: 0.004, drift: 0.015, driftTime: 3600)
    private let imbalance: [Double]
    private let nominalVoltage: Double
    private let nominalFrequency: Double

    public init(_ context: DeviceContext, random: inout SeededRandom) {
        let baseLoad = context.parameter("baseLoad", 130)
        load = Signal(base: baseLoad, noise: baseLoad * 0.01, drift: baseLoad * 0.05, driftTime: 1800,
                      dailyAmplitude: baseLoad * 0.25, dailyPeakHour: 13)
        nominalVoltage = context.parameter("nominalVoltage", 400)
        nominalFrequency = context.parameter("nominalFrequency", 50)
        phaseVoltages = (0..<3).map { _ in Signal(base: context.parameter("nominalVoltage", 400), noise: 0.6, drift: 2.5, driftTime: 900) }
        voltages = [nominalVoltage, nominalVoltage, nominalVoltage]
        frequencySignal = Signal(base: nominalFrequency, noise: 0.005, drift: 0.02, driftTime: 120)
        frequency = nominalFrequency
        energyTotal = context.parameter("energyTotal", 12_000)
        powerConsumption = baseLoad
        imbalance = (0..<3).map { _ in random.uniform(-0.03...0.03) }
    }

    public mutating func advance(_ step: SimulationStep, random: inout SeededRandom) {
        let demand = max(0, load.sample(step, random: &random))
        let previous = powerConsumption
        powerConsumption = connected ? demand : 0
        for phase in 0..<3 { voltages[phase] = connected ? phaseVoltages[phase].sample(step, random: &random) : 0 }
        frequency = connected ? frequencySignal.sample(step, random: &random) : 0
        let loadFraction = min(1.5, demand / max(1, load.base))
        // Lightly loaded motors have a poorer power factor.
        powerFactor = (powerFactorSignal.sample(step, random: &random) - 0.06 * (1 - loadFraction)).clamped(to: 0.5...0.99)
        for phase in 0..<3 {
            let voltage = max(1, voltages[phase])
            // Three-phase: I = P / (sqrt(3) * V_LL * pf), each phase off by its own imbalance.
            currents[phase] = connected ? powerConsumption * 1000 / (3.0.squareRoot() * voltage * powerFactor) * (1 + imbalance[phase]) : 0
        }
        energyTotal += (previous + powerConsumption) / 2 * step.seconds / 3600
        efficiency = (80 + 8 * min(1, loadFraction) + random.gaussian(deviation: 0.5)).clamped(to: 0...100)
    }

    /// `normal`, `warning` (voltage or frequency off nominal) or `disconnected`.
    public var gridStatus: String {
        guard connected else { return "disconnected" }
        let voltageOff = voltages.contains { abs($0 - nominalVoltage) > 0.05 * nominalVoltage }
        let frequencyOff = abs(frequency - nominalFrequency) > 0.2
        return voltageOff || frequencyOff ? "warning" : "normal"
    }

    public func fields() -> [Field] {
        [.number("power_consumption", powerConsumption, 1),
         .object("voltages", [.number("L1", voltages[0], 1), .number("L2", voltages[1], 1), .number("L3", voltages[2], 1)]),
         .object("currents", [.number("L1", currents[0], 1), .number("L2", currents[1], 1), .number("L3", currents[2], 1)]),
         .number("power_factor", powerFactor, 3),
         .number("frequency", frequency, 2),
         .number("energy_total", energyTotal, 1),
         .string("grid_status", gridStatus),
         .number("efficiency", efficiency, 1)]
    }

    public mutating func apply(_ command: DeviceCommand) throws(CommandRejection) -> Bool {
        switch command.name {
        case "set_power":
            connected = try command.bool("on")
        case "set_setpoint":
            let name = try command.string("name")
            guard name == "base_load" else { throw CommandRejection("unknown setpoint '\(name)' (known: base_load)") }
            let value = try command.number("value")
            guard (0...100_000).contains(value) else { throw CommandRejection("base_load \(value) is outside 0...100000") }
            load.base = value
        default:
            return false
        }
        return true
    }
}
