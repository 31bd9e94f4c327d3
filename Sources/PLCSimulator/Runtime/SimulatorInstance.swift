import Foundation
import Logging
import SCADAConcurrency
import SCADAMQTT
import SCADAOps

/// A running simulator: the fleet, its MQTT connections, the outbox and the scheduler loop.
/// `start` brings it up (it keeps running and queuing if the broker is down); `stop` shuts it down
/// cleanly (seq saved, unacknowledged telemetry queued, `offline` published, sessions closed).
public final class SimulatorInstance: Sendable {
    public let configuration: SimulatorConfiguration
    public let simulation: Simulation
    public let outbox: Outbox
    public let faultLog: FaultLog
    public let store: StateStore
    public let links: [MQTTLink]
    public let seed: UInt64
    private let tracker: ConnectionTracker
    private let logger: Logger
    private let tasks: [Task<Void, Never>]

    /// Builds and starts everything. Throws only for configuration or local (disk) problems.
    public static func start(configuration: SimulatorConfiguration, mqttURL: String, logger: Logger,
                             metrics: SimulatorMetrics, readiness: Readiness? = nil) async throws -> SimulatorInstance {
        try configuration.validate()
        let plans = try FleetPlan.devices(configuration)
        let seed = configuration.seed.value ?? UInt64.random(in: 1...UInt64(Int64.max))
        let store = try StateStore(directory: configuration.storeAndForward.directory,
                                   capacity: configuration.storeAndForward.capacity)
        let connectionPlans = ConnectionPlan.plan(configuration, devices: plans)
        let links = try connectionPlans.enumerated().map { index, plan in
            try MQTTLink(index: index, plan: plan, url: mqttURL, configuration: configuration, logger: logger)
        }
        var deviceLinks = plans.map { (id: $0.deviceID, link: 0) }
        for (index, plan) in connectionPlans.enumerated() {
            for slot in plan.slots { deviceLinks[slot].link = index }
        }
        let outbox = Outbox(connections: links, deviceLinks: deviceLinks,
                            store: configuration.storeAndForward.enabled ? store : nil, metrics: metrics, logger: logger)
        let faultLog = FaultLog(logger: logger)
        let simulation = try Simulation(configuration: configuration, plans: plans, seed: seed, outbox: outbox, store: store,
                                        faultLog: faultLog, metrics: metrics, logger: logger)
        let tracker = ConnectionTracker(total: links.count, readiness: readiness, metrics: metrics)
        logger.info("simulator starting", metadata: [
            "devices": "\(plans.count)", "connections": "\(links.count)", "seed": "\(seed)",
            "speed": "\(configuration.speed)", "mqtt": "\(mqttURL)", "state": "\(store.path)",
            "queued": "\(store.totalDepth)", "previous_shutdown": "\(store.previousShutdownWasClean ? "clean" : "unclean")",
        ])
        let commandTopics = await simulation.commandTopicsBySlot
        var tasks: [Task<Void, Never>] = []
        for link in links {
            let topics = link.plan.slots.compactMap { commandTopics[$0] }
            tasks.append(Task { await Self.watchEvents(link, simulation: simulation, outbox: outbox, tracker: tracker, logger: logger) })
            tasks.append(Task { await Self.handleCommands(link, topics: Set(topics), simulation: simulation, outbox: outbox) })
            tasks.append(Task {
                await Self.connect(link, commandTopics: topics, qos: configuration.connections.commandQos, logger: logger)
            })
        }
        tasks.append(Task { await simulation.run() })
        return SimulatorInstance(configuration: configuration, simulation: simulation, outbox: outbox, faultLog: faultLog,
                                 store: store, links: links, seed: seed, tracker: tracker, logger: logger, tasks: tasks)
    }

    private init(configuration: SimulatorConfiguration, simulation: Simulation, outbox: Outbox, faultLog: FaultLog,
                 store: StateStore, links: [MQTTLink], seed: UInt64, tracker: ConnectionTracker, logger: Logger,
                 tasks: [Task<Void, Never>]) {
        self.configuration = configuration
        self.simulation = simulation
        self.outbox = outbox
        self.faultLog = faultLog
        self.store = store
        self.links = links
        self.seed = seed
        self.tracker = tracker
        self.logger = logger
        self.tasks = tasks
    }

    /// Connections currently up.
    public var connectedCount: Int { tracker.connectedCount }

    /// Stops cleanly: the loop ends and saves seq, unacknowledged telemetry is queued for the next run,
    /// each device publishes `offline` (retained), then the connections close.
    public func stop() async {
        tasks.last?.cancel()
        _ = await tasks.last?.value
        await outbox.close()
        let offline = await simulation.offlineMessages(for: links.flatMap(\.plan.slots))
        await withTaskGroup(of: Void.self) { group in
            for link in links where link.isConnected {
                let mine = Set(link.plan.slots)
                var messages = offline.filter { mine.contains($0.device) }
                if !link.plan.isDevice {
                    messages.append(OutgoingMessage(device: -1, topic: link.plan.willTopic, payload: Array("offline".utf8), qos: 1, retain: true))
                }
                let goodbye = messages
                group.addTask {
                    _ = await withTimeout(.seconds(3)) {
                        for message in goodbye {
                            try await link.publish(topic: message.topic, payload: message.payload, qos: 1, retain: true)
                        }
                    }
                    await link.client.disconnect()
                }
            }
            for link in links where !link.isConnected {
                group.addTask { await link.client.disconnect() }
            }
        }
        for task in tasks { task.cancel() }
        do {
            try store.close()
        } catch {
            logger.error("cannot mark the state store closed", metadata: ["error": "\(error)"])
        }
        logger.info("simulator stopped")
    }

    /// Connects (retrying until the broker answers), then subscribes to the command topics.
    /// After the first success the client reconnects and resubscribes by itself.
    private static func connect(_ link: MQTTLink, commandTopics: [String], qos: Int, logger: Logger) async {
        var backoff = Backoff(initial: .milliseconds(250), maximum: .seconds(5), jitter: 0.2)
        while !Task.isCancelled {
            do {
                try await link.client.connect()
                break
            } catch {
                logger.debug("connect failed; retrying", metadata: ["client_id": "\(link.plan.clientID)", "error": "\(error)"])
                try? await backoff.wait()
            }
        }
        for filter in CommandFilters.filters(for: commandTopics) {
            while !Task.isCancelled {
                do {
                    try await link.client.subscribe(filter, qos: MQTTQoS(rawValue: qos) ?? .atLeastOnce)
                    break
                } catch {
                    logger.warning("subscribe failed; retrying", metadata: ["filter": "\(filter)", "error": "\(error)"])
                    try? await Task.sleep(for: .seconds(1))
                }
            }
        }
    }

    /// On every connect: birth (`online`, retained) and retained range data, then the offline queue.
    private static func watchEvents(_ link: MQTTLink, simulation: Simulation, outbox: Outbox, tracker: ConnectionTracker,
                                    logger: Logger) async {
        for await event in link.client.events {
            switch event {
            case .connected(let sessionPresent):
                tracker.set(link.index, connected: true)
                logger.debug("connected", metadata: ["client_id": "\(link.plan.clientID)", "session_present": "\(sessionPresent)"])
                if !link.plan.isDevice {
                    await outbox.sendControl(OutgoingMessage(device: -1, topic: link.plan.willTopic, payload: Array("online".utf8),
                                                             qos: 1, retain: true), onConnection: link.index)
                }
                await outbox.sendControl(await simulation.onlineMessages(for: link.plan.slots))
                await outbox.connectionUp(link.index)
            case .disconnected(let reason):
                tracker.set(link.index, connected: false)
                logger.info("disconnected", metadata: ["client_id": "\(link.plan.clientID)", "reason": "\(reason)"])
            }
        }
    }

    /// Commands: applied between scheduler ticks, answered with an ack (and changed range data).
    /// Messages on other topics (a wildcard filter in shared mode also matches other connections'
    /// devices) are ignored: each command is applied by its own device's connection only.
    private static func handleCommands(_ link: MQTTLink, topics: Set<String>, simulation: Simulation, outbox: Outbox) async {
        for await message in link.client.messages where topics.contains(message.topic) {
            await outbox.sendControl(await simulation.handleCommand(topic: message.topic, payload: message.payload))
        }
    }
}
