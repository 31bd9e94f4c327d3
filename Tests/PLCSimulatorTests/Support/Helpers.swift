import Foundation
@testable import PLCSimulator

/// Decodes a payload as a JSON object (nil when it is not one).
func jsonObject(_ payload: [UInt8]) -> [String: Any]? {
    (try? JSONSerialization.jsonObject(with: Data(payload))) as? [String: Any]
}

/// A device of `profile` built straight from its plan, for unit tests.
func makeDevice(_ profileName: String, index: Int = 1, seed: UInt64 = 42, speed: Double = 1, interval: Double = 1,
                parameters: [String: Double] = [:], externalController: Bool = false) -> SimulatedDevice {
    let profile = DeviceProfiles.named(profileName)!
    let id = DeviceNaming.expand(profile.idTemplate, index: index)
    let plan = DevicePlan(profileName: profile.name, index: index, deviceID: id,
                          topic: DeviceNaming.expand(profile.topicTemplate, index: index, id: id),
                          interval: interval, qos: 1, parameters: parameters)
    return SimulatedDevice(plan: plan, profile: profile, slot: 0, seed: seed, speed: speed,
                           startTime: 1_736_928_000, externalController: externalController)
}

/// Produces `count` messages from `device`, with the fault clock at one second per message.
func produce(_ device: inout SimulatedDevice, count: Int, startingAt start: Double = 0) -> [SimulatedDevice.Produced] {
    (0..<count).map { step in device.produce(now: start + Double(step), wallMs: 1_736_928_000_000 + Int64(step) * 1000) }
}

func commandPayload(_ id: String, _ name: String, _ params: [String: Any] = [:]) -> [UInt8] {
    let object: [String: Any] = ["command_id": id, "command": name, "params": params]
    return [UInt8](try! JSONSerialization.data(withJSONObject: object))
}
