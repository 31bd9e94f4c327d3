/// One step of a device's simulated time: the simulated instant after the step and its length.
///
/// Simulated time runs `speed` times faster than the wall clock; models only ever see simulated
/// seconds, so a 60x run heats a fish tank 60 times faster with the same code.
public struct SimulationStep: Sendable, Equatable {
    /// Simulated seconds since the Unix epoch (UTC) at the end of the step.
    public var time: Double
    /// Simulated seconds the step covers.
    public var seconds: Double

    public init(time: Double, seconds: Double) {
        self.time = time
        self.seconds = seconds
    }

    /// Hour of the (UTC) day, 0..<24, for daily cycles.
    public var hourOfDay: Double {
        let day = 86_400.0
        let secondsIntoDay = time.truncatingRemainder(dividingBy: day)
        return (secondsIntoDay < 0 ? secondsIntoDay + day : secondsIntoDay) / 3600
    }
}
