/// Every device profile the simulator knows. Adding a profile: one file with its `DeviceModel`
/// and `static let profile`, one line here, and a `devices:` entry in the configuration.
public enum DeviceProfiles {
    public static let all: [DeviceProfile] = [
        ManufacturingLine.profile,
        EnergyMeter.profile,
        EnvironmentMonitor.profile,
        CNCMachine.profile,
        Vehicle.profile,
        FishTank.profile,
    ]

    /// The profile called `name` (or one of its aliases).
    public static func named(_ name: String) -> DeviceProfile? {
        let key = name.lowercased()
        return all.first { $0.name == key || $0.aliases.contains(key) }
    }

    public static var names: [String] { all.map(\.name) }
}
