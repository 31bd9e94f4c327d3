/// One running device: its model, random stream, sequence number, simulated clock and faults.
public struct SimulatedDevice: Sendable {
    public let plan: DevicePlan
    public let profile: DeviceProfile
    /// Position in the fleet.
    public let slot: Int
    public private(set) var model: any DeviceModel
    /// The last sequence number used (0 before the first message).
    public private(set) var seq: Int64
    public private(set) var faults = FaultInjector()
    private var random: SeededRandom
    private var simulatedTime: Double
    /// Simulated seconds per message: interval x speed.
    private let stepSeconds: Double
    /// Recent command ids and their results, so a redelivered command is acknowledged, not applied twice.
    private var recentCommands: [(id: String, rejection: String?)] = []

    /// What one scheduled publish produced.
    public struct Produced: Sendable {
        /// nil while a dropout silences the device.
        public var message: OutgoingMessage?
        public var faultEvents: [FaultEvent]
    }

    public init(plan: DevicePlan, profile: DeviceProfile, slot: Int, seed: UInt64, speed: Double, startTime: Double,
                externalController: Bool, lastSeq: Int64 = 0) {
        self.plan = plan
        self.profile = profile
        self.slot = slot
        random = SeededRandom(seed: seed, stream: plan.deviceID)
        let context = DeviceContext(index: plan.index, deviceID: plan.deviceID, parameters: plan.parameters,
                                    externalController: externalController, startTime: startTime)
        model = profile.makeDevice(context, random: &random)
        seq = lastSeq
        simulatedTime = startTime
        stepSeconds = plan.interval * speed
    }

    /// Advances one interval and builds the message, passing it through any armed faults.
    /// `now` is wall-clock seconds since the simulator started (fault schedules), `wallMs` the timestamp.
    public mutating func produce(now: Double, wallMs: Int64) -> Produced {
        simulatedTime += stepSeconds
        model.advance(SimulationStep(time: simulatedTime, seconds: stepSeconds), random: &random)
        guard !faults.isEmpty else {
            seq += 1
            let payload = JSONWriter.encode(model.message(header(wallMs)))
            return Produced(message: telemetry(payload), faultEvents: [])
        }
        var events = faults.begin(now: now).map { event($0, wallMs: wallMs, seq: seq + 1) }
        if faults.suppresses(now: now) {
            for index in events.indices where events[index].kind == .dropout { events[index].seq = seq }
            events += faults.finish().map { event($0, wallMs: wallMs, seq: seq) }
            return Produced(message: nil, faultEvents: events)
        }
        let skip = Int64(faults.sequenceSkip(now: now))
        seq += 1 + skip
        for index in events.indices where events[index].phase == .started { events[index].seq = seq }
        var fields = model.message(header(wallMs))
        faults.edit(fields: &fields, now: now)
        var payload = JSONWriter.encode(fields)
        faults.edit(payload: &payload, now: now)
        events += faults.finish().map { event($0, wallMs: wallMs, seq: seq) }
        return Produced(message: telemetry(payload), faultEvents: events)
    }

    /// Handles a payload from `{topic}/commands`; returns the ack and whether retained data changed.
    public mutating func handleCommand(_ payload: [UInt8], now: Double, wallMs: Int64) -> (ack: CommandAck, changedRetained: Bool) {
        let command: DeviceCommand
        do {
            command = try DeviceCommand.parse(payload)
        } catch {
            let id = error.commandID.isEmpty ? DeviceCommand.commandID(in: payload) : error.commandID
            return (ack(id, rejection: error.reason, wallMs: wallMs), false)
        }
        if !command.id.isEmpty, let earlier = recentCommands.first(where: { $0.id == command.id }) {
            return (ack(command.id, rejection: earlier.rejection, wallMs: wallMs), false)
        }
        var rejection: String?
        var changedRetained = false
        do throws(CommandRejection) {
            switch command.name {
            case "inject_fault":
                var spec = try FaultSpec.from(params: command.params)
                spec.device = plan.deviceID
                try arm(spec, now: now)
            case "clear_faults":
                faults.clear()
            default:
                guard try model.apply(command) else {
                    let known = (profile.commands + ["inject_fault", "clear_faults"]).joined(separator: ", ")
                    throw CommandRejection("unknown command '\(command.name)' for \(profile.name) (supported: \(known))")
                }
                changedRetained = !model.retainedMessages(header(wallMs)).isEmpty
            }
        } catch {
            rejection = error.reason
        }
        if !command.id.isEmpty {
            recentCommands.append((command.id, rejection))
            if recentCommands.count > 64 { recentCommands.removeFirst() }
        }
        return (ack(command.id, rejection: rejection, wallMs: wallMs), changedRetained)
    }

    /// Arms a fault on this device, checking that the field it edits is a number in this profile's messages.
    public mutating func arm(_ spec: FaultSpec, now: Double) throws(CommandRejection) {
        let field = spec.field.isEmpty ? profile.faultField : spec.field
        if spec.kind.editsField, model.message(header(0)).number(at: field) == nil {
            throw CommandRejection("\(spec.kind.rawValue) needs a numeric field; '\(field)' is not one in \(profile.name) messages")
        }
        faults.arm(spec, field: field, now: now)
    }

    /// Range data and other retained side messages, for publishing on connect and after changes.
    public func retainedMessages(wallMs: Int64) -> [OutgoingMessage] {
        model.retainedMessages(header(wallMs)).map {
            OutgoingMessage(device: slot, topic: plan.topic + "/" + $0.topicSuffix, payload: JSONWriter.encode($0.fields),
                            qos: 1, retain: true)
        }
    }

    private func header(_ wallMs: Int64) -> MessageHeader {
        MessageHeader(idField: profile.idField, deviceID: plan.deviceID, timestampMs: wallMs, seq: seq)
    }

    private func telemetry(_ payload: [UInt8]) -> OutgoingMessage {
        OutgoingMessage(device: slot, topic: plan.topic, payload: payload, qos: plan.qos, seq: seq)
    }

    private func ack(_ id: String, rejection: String?, wallMs: Int64) -> CommandAck {
        CommandAck(commandID: id, deviceID: plan.deviceID, rejection: rejection, timestampMs: wallMs)
    }

    private func event(_ transition: FaultInjector.Transition, wallMs: Int64, seq: Int64) -> FaultEvent {
        FaultEvent(deviceID: plan.deviceID, kind: transition.kind, phase: transition.phase, timestampMs: wallMs,
                   seq: seq, field: transition.field)
    }
}
