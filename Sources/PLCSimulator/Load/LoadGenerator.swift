import Foundation
import Logging
import SCADACore
import SCADAMQTT

/// `plc-simulator load`: publishes `count` realistic messages (the chosen profile's payloads, with
/// per-device `seq`) across `devices` devices as fast as the broker acknowledges them. Each
/// connection keeps a window of publishes in flight; devices are split across connections.
public enum LoadGenerator {
    public static func run(_ options: LoadOptions, logger: Logger) async throws -> LoadReport {
        if let problem = options.problem { throw ConfigurationError(.invalidValue, problem) }
        guard let profile = DeviceProfiles.named(options.profile) else { throw ConfigurationError(.invalidValue, "unknown profile \(options.profile)") }
        let store = try options.stateDirectory.map { try StateStore(directory: $0, capacity: 1) }
        let lastSeqs = try store?.lastSequences() ?? [:]

        // Devices, their connection (round robin) and how many messages each connection sends.
        var perConnection = Array(repeating: [SimulatedDevice](), count: options.connections)
        let startTime = Date().timeIntervalSince1970
        for offset in 0..<options.devices {
            let index = options.firstIndex + offset
            let id = DeviceNaming.expand(profile.idTemplate, index: index)
            let plan = DevicePlan(profileName: profile.name, index: index, deviceID: id,
                                  topic: DeviceNaming.expand(profile.topicTemplate, index: index, id: id),
                                  interval: 1, qos: options.qos, parameters: [:])
            let device = SimulatedDevice(plan: plan, profile: profile, slot: offset, seed: options.seed, speed: 1,
                                         startTime: startTime, externalController: false, lastSeq: lastSeqs[id] ?? 0)
            perConnection[offset % options.connections].append(device)
        }
        // Message k goes to device k % devices, so connection c sends the messages of its devices.
        let quotas = perConnection.map { devices in
            devices.reduce(0) { total, device in
                total + options.count / options.devices + (device.slot < options.count % options.devices ? 1 : 0)
            }
        }

        let clients = try (0..<options.connections).map { index in
            var configuration = try MQTTConfiguration(url: options.url, clientID: "\(options.clientIDPrefix)-\(ProcessInfo.processInfo.processIdentifier)-\(index + 1)")
            configuration.cleanSession = true
            configuration.maxInflightMessages = min(65_535, options.window)
            configuration.connectTimeout = options.connectTimeout
            return try MQTTClient(configuration: configuration, logger: logger)
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for client in clients { group.addTask { try await client.connect() } }
            try await group.waitForAll()
        }

        let clock = ContinuousClock()
        let started = clock.now
        let results = await withTaskGroup(of: (acked: Int, failed: Int, devices: [SimulatedDevice]).self) { group in
            for index in clients.indices {
                let client = clients[index]
                let devices = perConnection[index]
                let quota = quotas[index]
                let window = options.window
                let qos = MQTTQoS(rawValue: options.qos) ?? .atLeastOnce
                group.addTask { await publish(quota, devices: devices, client: client, qos: qos, window: window) }
            }
            var total: (acked: Int, failed: Int, devices: [SimulatedDevice]) = (0, 0, [])
            for await result in group {
                total.acked += result.acked
                total.failed += result.failed
                total.devices += result.devices
            }
            return total
        }
        let elapsed = clock.now - started
        await withTaskGroup(of: Void.self) { group in
            for client in clients { group.addTask { await client.disconnect() } }
        }
        try store?.saveSequences(results.devices.map { ($0.plan.deviceID, $0.seq) })
        try store?.close()
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        return LoadReport(requested: options.count, acknowledged: results.acked, failed: results.failed, seconds: seconds,
                          connections: options.connections, devices: options.devices, qos: options.qos)
    }

    /// One connection's share: a sliding window of `window` publishes in flight.
    private static func publish(_ quota: Int, devices: [SimulatedDevice], client: MQTTClient, qos: MQTTQoS,
                                window: Int) async -> (acked: Int, failed: Int, devices: [SimulatedDevice]) {
        var devices = devices
        guard !devices.isEmpty else { return (0, 0, devices) }
        let started = ContinuousClock.now
        var acked = 0
        var failed = 0
        // Each publish is handed to the client in turn (so every device's messages leave in sequence order);
        // acknowledgements come back through `outcomes`.
        let (outcomes, outcome) = AsyncStream<Bool>.makeStream()
        var results = outcomes.makeAsyncIterator()
        var inFlight = 0
        for sent in 0..<quota {
            if inFlight >= window, let ok = await results.next() {
                if ok { acked += 1 } else { failed += 1 }
                inFlight -= 1
            }
            let slot = sent % devices.count
            let elapsed = (ContinuousClock.now - started).components
            let now = Double(elapsed.seconds) + Double(elapsed.attoseconds) * 1e-18
            guard let message = devices[slot].produce(now: now, wallMs: Int64(Date().timeIntervalSince1970 * 1000)).message else {
                failed += 1
                continue
            }
            client.publish(MQTTMessage(topic: message.topic, payload: message.payload, qos: qos)) { result in
                if case .success = result { outcome.yield(true) } else { outcome.yield(false) }
            }
            inFlight += 1
        }
        while inFlight > 0, let ok = await results.next() {
            if ok { acked += 1 } else { failed += 1 }
            inFlight -= 1
        }
        outcome.finish()
        return (acked, failed, devices)
    }
}
