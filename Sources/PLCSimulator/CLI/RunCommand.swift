import ArgumentParser
import Foundation
import Hummingbird
import Logging
import SCADACore
import SCADAOps

/// `plc-simulator run`: the simulated fleet, with /healthz, /readyz and /metrics.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run", abstract: "Run the simulated fleet (the default).")

    @Option(name: .long, help: "YAML configuration file (default: $SCADA_CONFIG, else built-in defaults).")
    var config: String?

    @Option(name: .long, help: "Seed for every random signal (a repeatable run).")
    var seed: UInt64?

    @Option(name: .long, help: "Time acceleration: simulated seconds per wall-clock second (e.g. 60).")
    var speed: Double?

    @Option(name: .long, help: ArgumentHelp(
        "Inject a fault (repeatable): KIND:key=value,... with KIND spike|drift|stuck|dropout|seq_gap|malformed|oversize.",
        discussion: "Keys: device (id, *, PREFIX*, profile:NAME), field, after, duration, count, magnitude, rate, gap, size, every. "
            + "Example: --fault spike:device=LINE1-PLC,field=temperature,after=30,magnitude=40",
        valueName: "fault"))
    var fault: [String] = []

    @Flag(name: .long, help: "Fish tanks start with the built-in controller off (an external controller drives the heater).")
    var externalController = false

    @Option(name: .long, help: "Directory for the offline queue and sequence state (default: simulator.storeAndForward.directory).")
    var stateDir: String?

    @Flag(name: .long, help: "Validate the configuration, print the fleet and exit.")
    var check = false

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        let loader: ConfigurationLoader
        let common: CommonConfiguration
        var simulator: SimulatorConfiguration
        do {
            loader = try ConfigurationLoader.fromEnvironment(environment, path: config)
            common = try loader.common(defaultHTTPPort: PLCSimulatorService.defaultHTTPPort)
            simulator = try loader.section("simulator", defaults: SimulatorConfiguration())
            try apply(to: &simulator, environment: environment)
            try simulator.validate()
        } catch let error as ConfigurationError {
            throw ValidationError("configuration: \(error.description)")
        } catch let error as CommandRejection {
            throw ValidationError("--fault: \(error.reason)")
        }
        let plans: [DevicePlan]
        do {
            plans = try FleetPlan.devices(simulator)
        } catch let error as ConfigurationError {
            throw ValidationError("configuration: \(error.description)")
        }
        if check {
            print("configuration OK (\(loader.source)): \(plans.count) devices, mqtt \(common.mqtt.url)")
            for plan in plans { print("  \(plan.profileName.padding(toLength: 14, withPad: " ", startingAt: 0)) \(plan.deviceID.padding(toLength: 16, withPad: " ", startingAt: 0)) \(plan.topic)  every \(plan.interval) s") }
            return
        }
        LogSetup.bootstrap(service: PLCSimulatorService.name, configuration: common)
        let logger = Logger(label: PLCSimulatorService.name)
        logger.info("starting", metadata: ["config": "\(loader.source)", "http_port": "\(common.http.port)"])
        let registry = MetricsRegistry()
        let readiness = Readiness(checks: ["mqtt"])
        let router = Router()
        OpsRoutes.add(to: router, service: PLCSimulatorService.name, readiness: readiness, metrics: registry)
        let simulatorService = SimulatorService(configuration: simulator, mqttURL: common.mqtt.url, logger: logger,
                                                metrics: SimulatorMetrics(factory: registry.factory), readiness: readiness)
        try await ServiceRunner.run([
            ServiceRunner.httpServer(router: router, configuration: common, service: PLCSimulatorService.name, logger: logger),
            simulatorService,
        ], logger: logger)
        logger.info("stopped")
    }

    /// Command-line flags and `SCADA_SIMULATOR_STATE` over the file.
    func apply(to simulator: inout SimulatorConfiguration, environment: [String: String]) throws {
        if let state = environment["SCADA_SIMULATOR_STATE"], !state.isEmpty { simulator.storeAndForward.directory = state }
        if let stateDir { simulator.storeAndForward.directory = stateDir }
        if let seed { simulator.seed = Nullable(seed) }
        if let speed { simulator.speed = speed }
        if externalController { simulator.controller = "external" }
        for text in fault { simulator.faults.append(try FaultSpec.parse(text)) }
    }
}
