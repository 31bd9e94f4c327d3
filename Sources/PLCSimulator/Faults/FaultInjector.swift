/// The faults armed on one device and where each is in its schedule.
///
/// For each message the device asks, in order: `begin` (start or end episodes by time),
/// `suppresses`, `sequenceSkip`, `edit(fields:)`, `edit(payload:)`, then `finish` (count the
/// message, end episodes that have had their `count`).
public struct FaultInjector: Sendable {
    struct Armed: Sendable {
        var spec: FaultSpec
        var field: String
        var effect: any FaultEffect
        /// When the spec was armed (wall-clock seconds since start).
        var base: Double
        var episode = 0
        var running = false
        var episodeStart: Double = 0
        var affected = 0
        var done = false
    }

    /// A fault entering or leaving an episode, for the fault log.
    public struct Transition: Sendable, Equatable {
        public var kind: FaultKind
        public var field: String?
        public var phase: FaultEvent.Phase
    }

    private var armed: [Armed] = []

    public init() {}

    public var isEmpty: Bool { armed.isEmpty }
    public var count: Int { armed.count }

    /// Arms `spec` on this device at `now`; `field` is the resolved field path.
    public mutating func arm(_ spec: FaultSpec, field: String, now: Double) {
        armed.append(Armed(spec: spec, field: field, effect: spec.kind.makeEffect(spec), base: now))
    }

    /// Disarms everything; returns how many faults were armed.
    @discardableResult
    public mutating func clear() -> Int {
        defer { armed.removeAll() }
        return armed.count
    }

    /// Starts episodes whose time has come and ends those whose duration is over.
    public mutating func begin(now: Double) -> [Transition] {
        guard !armed.isEmpty else { return [] }
        var transitions: [Transition] = []
        for index in armed.indices {
            let spec = armed[index].spec
            if armed[index].running, spec.duration > 0, now >= armed[index].episodeStart + spec.duration {
                transitions.append(endEpisode(index))
            }
            guard !armed[index].running, !armed[index].done else { continue }
            let firstStart = armed[index].base + spec.after
            if spec.every > 0, now >= firstStart {
                // After a long pause (e.g. a dropout) skip the episodes that were missed.
                armed[index].episode = max(armed[index].episode, Int(((now - firstStart) / spec.every).rounded(.down)))
            }
            let start = firstStart + Double(armed[index].episode) * spec.every
            if now >= start, spec.every == 0 || now < start + max(spec.duration, spec.every) {
                armed[index].running = true
                armed[index].episodeStart = now
                armed[index].affected = 0
                transitions.append(Transition(kind: spec.kind, field: spec.kind.editsField ? armed[index].field : nil, phase: .started))
            }
        }
        armed.removeAll { $0.done }
        return transitions
    }

    public mutating func suppresses(now: Double) -> Bool {
        var silent = false
        forEachRunning(now) { fault, stage in silent = fault.effect.suppresses(stage) || silent }
        return silent
    }

    public mutating func sequenceSkip(now: Double) -> Int {
        var skip = 0
        forEachRunning(now) { fault, stage in skip += fault.effect.sequenceSkip(stage) }
        return skip
    }

    public mutating func edit(fields: inout [Field], now: Double) {
        forEachRunning(now) { fault, stage in fault.effect.edit(fields: &fields, stage) }
    }

    public mutating func edit(payload: inout [UInt8], now: Double) {
        forEachRunning(now) { fault, stage in fault.effect.edit(payload: &payload, stage) }
    }

    /// Counts the message against running episodes; ends those that have had their `count`.
    public mutating func finish() -> [Transition] {
        guard !armed.isEmpty else { return [] }
        var transitions: [Transition] = []
        for index in armed.indices where armed[index].running {
            armed[index].affected += 1
            if armed[index].spec.duration == 0, armed[index].affected >= armed[index].spec.count {
                transitions.append(endEpisode(index))
            }
        }
        armed.removeAll { $0.done }
        return transitions
    }

    private mutating func endEpisode(_ index: Int) -> Transition {
        armed[index].running = false
        armed[index].effect.episodeEnded()
        armed[index].episode += 1
        if armed[index].spec.every == 0 { armed[index].done = true }
        let spec = armed[index].spec
        return Transition(kind: spec.kind, field: spec.kind.editsField ? armed[index].field : nil, phase: .ended)
    }

    private mutating func forEachRunning(_ now: Double, _ body: (inout Armed, FaultStage) -> Void) {
        for index in armed.indices where armed[index].running {
            let stage = FaultStage(field: armed[index].field, now: now, episodeStart: armed[index].episodeStart)
            body(&armed[index], stage)
        }
    }
}
