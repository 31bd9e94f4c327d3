import Foundation
import Logging
import SCADACore

/// The fleet and its clock: one loop steps every device when it is due, hands the messages to the
/// outbox, applies commands between ticks and saves sequence numbers now and then.
public actor Simulation {
    public let configuration: SimulatorConfiguration
    public let seed: UInt64
    private var devices: [SimulatedDevice]
    private let commandTopics: [String: Int]
    private var schedule = Schedule()
    private let outbox: Outbox
    private let store: StateStore?
    private let faultLog: FaultLog
    private let metrics: SimulatorMetrics
    private let logger: Logger
    private let started = ContinuousClock.now
    private var savedSeq: [Int64]
    private var lastCheckpoint: Double = 0

    public init(configuration: SimulatorConfiguration, plans: [DevicePlan], seed: UInt64, outbox: Outbox,
                store: StateStore?, faultLog: FaultLog, metrics: SimulatorMetrics, logger: Logger) throws {
        self.configuration = configuration
        self.seed = seed
        self.outbox = outbox
        self.store = store
        self.faultLog = faultLog
        self.metrics = metrics
        self.logger = logger
        let lastSeqs = try store?.lastSequences() ?? [:]
        let crashed = store.map { !$0.previousShutdownWasClean } ?? false
        let startTime = configuration.simulatedStart()
        var devices: [SimulatedDevice] = []
        var topics: [String: Int] = [:]
        for (slot, plan) in plans.enumerated() {
            guard let profile = plan.profile else { throw ConfigurationError(.invalidValue, "unknown profile \(plan.profileName)") }
            var last = lastSeqs[plan.deviceID] ?? 0
            if crashed, last > 0 {
                // Messages sent after the last checkpoint are unknown: jump past them (a gap, never a duplicate).
                last += Int64((configuration.storeAndForward.checkpointSeconds / plan.interval).rounded(.up)) + 1
            }
            devices.append(SimulatedDevice(plan: plan, profile: profile, slot: slot, seed: seed, speed: configuration.speed,
                                           startTime: startTime, externalController: configuration.externalController,
                                           lastSeq: last))
            topics[plan.commandTopic] = slot
        }
        // Faults from the configuration (and --fault flags) apply from the start.
        for spec in configuration.faults {
            var matched = false
            for index in devices.indices where spec.matches(deviceID: devices[index].plan.deviceID, profile: devices[index].profile.name) {
                do {
                    try devices[index].arm(spec, now: 0)
                } catch {
                    throw ConfigurationError(.invalidValue, "fault \(spec.kind.rawValue) on \(devices[index].plan.deviceID): \(error.reason)")
                }
                matched = true
            }
            if !matched { logger.warning("fault matches no device", metadata: ["kind": "\(spec.kind.rawValue)", "device": "\(spec.device)"]) }
        }
        self.devices = devices
        commandTopics = topics
        savedSeq = devices.map(\.seq)
        // Spread each group's devices over its interval so 1,000 devices do not all fire at once.
        let byInterval = Dictionary(grouping: devices.indices, by: { devices[$0].plan.interval })
        for (interval, members) in byInterval {
            for (position, index) in members.enumerated() {
                schedule.insert(.init(due: interval * Double(position) / Double(members.count), device: index))
            }
        }
    }

    /// Wall-clock seconds since start.
    public var elapsed: Double {
        let duration = ContinuousClock.now - started
        return Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18
    }

    /// Runs until the task is cancelled, then saves the sequence numbers.
    public func run() async {
        let tick = Double(configuration.tickMilliseconds) / 1000
        while !Task.isCancelled {
            let now = elapsed
            let wallMs = Int64(Date().timeIntervalSince1970 * 1000)
            var batch: [OutgoingMessage] = []
            // Devices due within half a tick go now, so the loop wakes at most once per tick.
            while let entry = schedule.popDue(at: now + tick / 2) {
                let produced = devices[entry.device].produce(now: now, wallMs: wallMs)
                if let message = produced.message { batch.append(message) }
                for event in produced.faultEvents {
                    faultLog.record(event)
                    if event.phase == .started { metrics.faultInjected(event.kind) }
                }
                let interval = devices[entry.device].plan.interval
                var due = entry.due + interval
                if due < now - interval { due = now }  // fell far behind (machine busy): do not burst
                schedule.insert(.init(due: due, device: entry.device))
            }
            if !batch.isEmpty { await outbox.submit(batch) }
            if now - lastCheckpoint >= configuration.storeAndForward.checkpointSeconds {
                checkpoint()
                lastCheckpoint = now
            }
            let wait = max(tick, (schedule.next?.due ?? now + 1) - elapsed)
            try? await Task.sleep(for: .seconds(min(wait, 1)))
        }
        checkpoint()
    }

    /// Saves changed sequence numbers.
    public func checkpoint() {
        guard let store else { return }
        var changed: [(deviceID: String, seq: Int64)] = []
        for index in devices.indices where devices[index].seq != savedSeq[index] {
            changed.append((devices[index].plan.deviceID, devices[index].seq))
            savedSeq[index] = devices[index].seq
        }
        do {
            try store.saveSequences(changed)
        } catch {
            logger.error("cannot save sequence numbers", metadata: ["error": "\(error)"])
        }
    }

    /// Applies a message from a command topic; returns the ack and any retained data that changed.
    public func handleCommand(topic: String, payload: [UInt8]) -> [OutgoingMessage] {
        guard let slot = commandTopics[topic] else { return [] }
        let wallMs = Int64(Date().timeIntervalSince1970 * 1000)
        let (ack, changedRetained) = devices[slot].handleCommand(payload, now: elapsed, wallMs: wallMs)
        metrics.commandHandled(accepted: ack.accepted)
        logger.info("command", metadata: ["device": "\(ack.deviceID)", "command_id": "\(ack.commandID)",
                                          "result": "\(ack.accepted ? "accepted" : "rejected")",
                                          "reason": "\(ack.rejection ?? "")"])
        var out = [OutgoingMessage(device: slot, topic: devices[slot].plan.ackTopic, payload: ack.payload, qos: 1)]
        if changedRetained { out += devices[slot].retainedMessages(wallMs: wallMs) }
        return out
    }

    /// Birth (`online`, retained) and retained side data for the given devices, sent on every connect.
    public func onlineMessages(for slots: [Int]) -> [OutgoingMessage] {
        let wallMs = Int64(Date().timeIntervalSince1970 * 1000)
        var out: [OutgoingMessage] = []
        for slot in slots where devices.indices.contains(slot) {
            out.append(OutgoingMessage(device: slot, topic: devices[slot].plan.statusTopic, payload: Array("online".utf8),
                                       qos: 1, retain: true))
            out += devices[slot].retainedMessages(wallMs: wallMs)
        }
        return out
    }

    /// `offline` (retained) for the given devices, sent on a clean shutdown.
    public func offlineMessages(for slots: [Int]) -> [OutgoingMessage] {
        slots.filter { devices.indices.contains($0) }.map {
            OutgoingMessage(device: $0, topic: devices[$0].plan.statusTopic, payload: Array("offline".utf8), qos: 1, retain: true)
        }
    }

    /// The command topics to subscribe to, by device.
    public var commandTopicsBySlot: [Int: String] {
        Dictionary(uniqueKeysWithValues: commandTopics.map { ($0.value, $0.key) })
    }

    /// A device's last sequence number (tests, diagnostics).
    public func seq(of deviceID: String) -> Int64? {
        devices.first { $0.plan.deviceID == deviceID }?.seq
    }

    /// Arms a fault on matching devices now; returns how many devices it matched.
    @discardableResult
    public func inject(_ spec: FaultSpec) throws(CommandRejection) -> Int {
        var matched = 0
        for index in devices.indices where spec.matches(deviceID: devices[index].plan.deviceID, profile: devices[index].profile.name) {
            try devices[index].arm(spec, now: elapsed)
            matched += 1
        }
        return matched
    }
}
