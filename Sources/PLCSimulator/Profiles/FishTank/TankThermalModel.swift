/// The water temperature of a heated tank: the heater element warms up and cools down with its own
/// lag, and the water moves toward the temperature the current heat input would hold (ambient
/// plus the heater's share), so a switch-on shows a slow S-curve and a switch-off a slow decay.
public struct TankThermalModel: Sendable, Equatable {
    /// °C.
    public private(set) var waterTemperature: Double
    /// 0 (cold) to 1 (full power), the element's current heat output.
    public private(set) var heaterOutput: Double = 0
    /// °C the water settles above ambient with the heater on for good.
    public var heaterRise: Double
    /// Simulated seconds for the water to cover 63 % of a change.
    public var waterTimeConstant: Double
    /// Simulated seconds for the element to reach 63 % of its power.
    public var heaterTimeConstant: Double

    public init(waterTemperature: Double, heaterRise: Double = 10, waterTimeConstant: Double = 3600,
                heaterTimeConstant: Double = 300) {
        self.waterTemperature = waterTemperature
        self.heaterRise = heaterRise
        self.waterTimeConstant = waterTimeConstant
        self.heaterTimeConstant = heaterTimeConstant
    }

    /// Advances by `seconds` with the heater switched `heaterOn` in a room at `ambient` °C.
    /// Integrates in sub-steps no longer than a tenth of the faster time constant, so long steps
    /// (high time acceleration) keep the lag between element and water.
    public mutating func advance(seconds: Double, heaterOn: Bool, ambient: Double) {
        guard seconds > 0 else { return }
        let limit = max(0.1, min(heaterTimeConstant, waterTimeConstant) / 10)
        let steps = max(1, Int((seconds / limit).rounded(.up)))
        let dt = seconds / Double(steps)
        for _ in 0..<steps {
            heaterOutput = approach(heaterOutput, target: heaterOn ? 1 : 0, tau: heaterTimeConstant, seconds: dt)
            let equilibrium = ambient + heaterOutput * heaterRise
            waterTemperature = approach(waterTemperature, target: equilibrium, tau: waterTimeConstant, seconds: dt)
        }
    }
}
