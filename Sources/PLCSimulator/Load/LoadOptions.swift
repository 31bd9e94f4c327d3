import Foundation

/// What `plc-simulator load` should do.
public struct LoadOptions: Sendable, Equatable {
    /// Messages to publish in total.
    public var count: Int
    /// Devices the messages are spread over (round robin).
    public var devices: Int
    public var qos: Int = 1
    /// MQTT connections; devices are split across them.
    public var connections: Int = 1
    public var profile: String = "manufacturing"
    /// Publishes in flight per connection.
    public var window: Int = 256
    public var url: String
    public var seed: UInt64 = 1
    /// Number of the first device (`{n}`), so load devices do not collide with the demo fleet.
    public var firstIndex: Int = 1001
    public var clientIDPrefix: String = "plc-simulator-load"
    /// Where per-device sequence numbers are kept between runs; nil starts every run at seq 1.
    public var stateDirectory: String?
    /// How long to wait for each connection's CONNACK.
    public var connectTimeout: Duration = .seconds(10)

    public init(count: Int, devices: Int, url: String) {
        self.count = count
        self.devices = devices
        self.url = url
    }

    /// What is wrong with the options, if anything.
    public var problem: String? {
        if count < 1 { return "--count must be at least 1" }
        if devices < 1 { return "--devices must be at least 1" }
        if connections < 1 { return "--connections must be at least 1" }
        if connections > devices { return "--connections (\(connections)) cannot exceed --devices (\(devices))" }
        if !(0...2).contains(qos) { return "--qos must be 0, 1 or 2" }
        if window < 1 { return "--window must be at least 1" }
        if DeviceProfiles.named(profile) == nil {
            return "--profile '\(profile)' is unknown (known: \(DeviceProfiles.names.joined(separator: ", ")))"
        }
        return nil
    }
}

/// What a load run achieved.
public struct LoadReport: Sendable, Equatable {
    public var requested: Int
    public var acknowledged: Int
    public var failed: Int
    /// Seconds from the first publish to the last acknowledgement.
    public var seconds: Double
    public var connections: Int
    public var devices: Int
    public var qos: Int

    /// Acknowledged messages per second.
    public var rate: Double { seconds > 0 ? Double(acknowledged) / seconds : 0 }
    /// True when every message was acknowledged.
    public var succeeded: Bool { acknowledged == requested && failed == 0 }

    /// A human line and a machine-readable one (`key=value`) for scripts.
    public var summary: String {
        let rateText = String(Int(rate.rounded()))
        let secondsText = String(format: "%.3f", seconds)
        return """
        load: \(acknowledged)/\(requested) messages acknowledged, \(failed) failed, \(devices) devices, \
        \(connections) connection(s), qos \(qos), \(secondsText) s: \(rateText) msg/s
        RESULT rate=\(rateText) acked=\(acknowledged) failed=\(failed) requested=\(requested) seconds=\(secondsText) \
        connections=\(connections) devices=\(devices) qos=\(qos)
        """
    }
}
