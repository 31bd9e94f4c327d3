import Foundation

/// A CNC machine (`factory/cnc/{id}`) running part programs: tool change, machining along a circular
/// pocket path (spindle loaded, axes moving), unload, repeat. Publishes the seed's envelope
/// `{cnc_id, part_program, timestamp, seq, payload: {...}}`.
public struct CNCMachine: DeviceModel {
    public static let profile = DeviceProfile(
        name: "cnc", idField: "cnc_id", topicTemplate: "factory/cnc/{id}", idTemplate: "CNC{nnn}",
        defaultCount: 1, defaultInterval: 1, faultField: "payload.spindle_speed",
        commands: ["set_power", "set_setpoint(spindle_speed|feed_rate)", "set_program"],
        parameters: ["spindleSpeed": 8000, "feedRate": 1200, "cycleTime": 300],
        make: { context, random in CNCMachine(context, random: &random) })

    public enum Status: String, Sendable { case running, toolChange = "tool_change", idle, stopped }

    public private(set) var status: Status = .idle
    public private(set) var partProgram: String
    public private(set) var spindleSpeed: Double = 0
    public private(set) var feedRate: Double = 0
    public private(set) var spindleLoad: Double = 0
    public private(set) var position: (x: Double, y: Double, z: Double) = (0, 0, 50)
    public private(set) var toolNumber = 1
    public private(set) var partCount: Int64 = 0
    private var spindleSetpoint: Double
    private var feedSetpoint: Double
    private var cycleTime: Double
    /// Simulated seconds into the current part cycle.
    private var cycleClock: Double = 0
    private var powered = true
    private let programs = ["O1001", "O1002", "O2010", "O3100"]

    public init(_ context: DeviceContext, random: inout SeededRandom) {
        spindleSetpoint = context.parameter("spindleSpeed", 8000)
        feedSetpoint = context.parameter("feedRate", 1200)
        cycleTime = max(30, context.parameter("cycleTime", 300))
        partProgram = programs[(context.index - 1) % programs.count]
        cycleClock = random.uniform(0...cycleTime)
    }

    public mutating func advance(_ step: SimulationStep, random: inout SeededRandom) {
        guard powered else {
            status = .stopped
            spindleSpeed = approach(spindleSpeed, target: 0, tau: 5, seconds: step.seconds)
            if spindleSpeed < 1 { spindleSpeed = 0 }
            feedRate = 0
            spindleLoad = 0
            return
        }
        cycleClock += step.seconds
        if cycleClock >= cycleTime {
            cycleClock = cycleClock.truncatingRemainder(dividingBy: cycleTime)
            partCount += 1
            toolNumber = toolNumber % 12 + 1
        }
        let toolChangeEnd = 0.05 * cycleTime
        let machiningEnd = 0.9 * cycleTime
        switch cycleClock {
        case ..<toolChangeEnd:
            status = .toolChange
            spindleSpeed = 0
            feedRate = 0
            spindleLoad = 0
            position = (0, 0, 100)
        case ..<machiningEnd:
            status = .running
            let progress = (cycleClock - toolChangeEnd) / (machiningEnd - toolChangeEnd)
            let angle = 2 * Double.pi * 20 * progress
            let radius = 40 - 30 * progress
            position = (100 + radius * cos(angle) + random.gaussian(deviation: 0.005),
                        80 + radius * sin(angle) + random.gaussian(deviation: 0.005),
                        -2 - 8 * progress)
            spindleSpeed = spindleSetpoint + random.gaussian(deviation: spindleSetpoint * 0.003)
            feedRate = feedSetpoint + random.gaussian(deviation: feedSetpoint * 0.005)
            spindleLoad = (45 + 20 * feedSetpoint / max(1, spindleSetpoint) * 6 + random.gaussian(deviation: 2)).clamped(to: 0...120)
        default:
            status = .idle
            spindleSpeed = approach(spindleSpeed, target: 0, tau: 3, seconds: step.seconds)
            if spindleSpeed < 1 { spindleSpeed = 0 }
            feedRate = 0
            spindleLoad = 0
            position = (0, 0, 50)
        }
    }

    public func fields() -> [Field] {
        [.string("status", status.rawValue),
         .number("spindle_speed", spindleSpeed, 0),
         .number("X-Axis", position.x, 3),
         .number("Y-Axis", position.y, 3),
         .number("Z-Axis", position.z, 3),
         .number("feed_rate", feedRate, 0),
         .number("spindle_load", spindleLoad, 1),
         .integer("tool_number", Int64(toolNumber)),
         .integer("part_count", partCount)]
    }

    public func message(_ header: MessageHeader) -> [Field] {
        [.string(header.idField, header.deviceID), .string("part_program", partProgram),
         .integer("timestamp", header.timestampMs), .integer("seq", header.seq), .object("payload", fields())]
    }

    public mutating func apply(_ command: DeviceCommand) throws(CommandRejection) -> Bool {
        switch command.name {
        case "set_power":
            powered = try command.bool("on")
        case "set_program":
            partProgram = try command.string("name")
            cycleClock = 0
        case "set_setpoint":
            let name = try command.string("name")
            let value = try command.number("value")
            switch name {
            case "spindle_speed":
                guard (0...40_000).contains(value) else { throw CommandRejection("spindle_speed \(value) is outside 0...40000") }
                spindleSetpoint = value
            case "feed_rate":
                guard (0...20_000).contains(value) else { throw CommandRejection("feed_rate \(value) is outside 0...20000") }
                feedSetpoint = value
            default:
                throw CommandRejection("unknown setpoint '\(name)' (known: spindle_speed, feed_rate)")
            }
        default:
            return false
        }
        return true
    }
}
