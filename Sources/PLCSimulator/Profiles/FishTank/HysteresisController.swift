/// The fish tank's built-in reference controller: heater on below the range minimum, off above the
/// maximum, unchanged in between (so it does not chatter around one threshold).
public struct HysteresisController: Sendable, Equatable {
    public init() {}

    /// The heater state for `temperature` given the current state and the target band.
    public func heater(temperature: Double, band: TankRanges.Band, currentlyOn: Bool) -> Bool {
        if temperature < band.min { return true }
        if temperature > band.max { return false }
        return currentlyOn
    }
}
