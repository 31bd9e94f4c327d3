// swift-tools-version:6.1
// The SCADA platform: five services joined by MQTT, Kafka and MongoDB.
// See ARCHITECTURE.md for the rooms and who may import whom.
import Foundation
import PackageDescription

let strict: [SwiftSetting] = [.enableUpcomingFeature("ExistentialAny")]

let log = Target.Dependency.product(name: "Logging", package: "swift-log")
let metrics = Target.Dependency.product(name: "Metrics", package: "swift-metrics")
let lifecycle = Target.Dependency.product(name: "ServiceLifecycle", package: "swift-service-lifecycle")
let hummingbird = Target.Dependency.product(name: "Hummingbird", package: "hummingbird")
let argumentParser = Target.Dependency.product(name: "ArgumentParser", package: "swift-argument-parser")
let prometheus = Target.Dependency.product(name: "Prometheus", package: "swift-prometheus")
let httpClient = Target.Dependency.product(name: "AsyncHTTPClient", package: "async-http-client")

/// A service: one library module holding everything, plus a thin executable.
func service(_ module: String, executable: String, dependencies: [Target.Dependency], exclude: [String] = [],
             resources: [Resource]? = nil, plugins: [Target.PluginUsage]? = nil) -> [Target] {
    [
        .target(name: module, dependencies: dependencies + ["SCADACore", "SCADAOps", log, metrics, lifecycle],
                exclude: exclude, resources: resources, swiftSettings: strict, plugins: plugins),
        .executableTarget(name: executable, dependencies: [.target(name: module)], swiftSettings: strict),
    ]
}

/// The preprocessor's decoder folders (`Sources/Preprocessor/Decoders/<name>/`): their `decoder.yaml` is embedded by
/// the DecoderTables plugin and their `testdata/` is read by the golden test, so neither is a source of the module.
/// Listed here so that adding a device type stays one new folder.
let decoderFolderFiles: [String] = {
    let root = Context.packageDirectory + "/Sources/Preprocessor/Decoders"
    let folders = (try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []
    return folders.sorted().flatMap { folder in
        ["decoder.yaml", "testdata", "README.md"]
            .filter { FileManager.default.fileExists(atPath: "\(root)/\(folder)/\($0)") }
            .map { "Decoders/\(folder)/\($0)" }
    }
}()

let package = Package(
    name: "scada",
    // Linux only (Debian 12 and newer, or a container image): the three C libraries come from the system's
    // packages. No Apple platform is built or tested.
    products: [
        .executable(name: "plc-simulator", targets: ["plc-simulator"]),
        .executable(name: "preprocessor", targets: ["preprocessor"]),
        .executable(name: "db-interface", targets: ["db-interface"]),
        .executable(name: "anomaly-detector", targets: ["anomaly-detector"]),
        .executable(name: "api-gateway", targets: ["api-gateway"]),
        .executable(name: "scadactl", targets: ["scadactl"]),
        .library(name: "SCADAMQTT", targets: ["SCADAMQTT"]),
        .library(name: "SCADAKafka", targets: ["SCADAKafka"]),
        .library(name: "SCADAMongo", targets: ["SCADAMongo"]),
        .library(name: "SCADATestSupport", targets: ["SCADATestSupport"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.0"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.0"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.0.0"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-websocket.git", from: "2.8.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth.git", from: "2.5.0"),
        .package(url: "https://github.com/vapor/jwt-kit.git", from: "5.7.0"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
    ],
    targets: [
        // C libraries, each confined to one client module.
        .systemLibrary(name: "CRdKafka", pkgConfig: "rdkafka", providers: [.apt(["librdkafka-dev"])]),
        .systemLibrary(name: "CMongoC", pkgConfig: "libmongoc-1.0", providers: [.apt(["libmongoc-dev", "libbson-dev"])]),
        .systemLibrary(name: "CMosquitto", pkgConfig: "libmosquitto", providers: [.apt(["libmosquitto-dev"])]),

        // Concurrency toolkit (no dependencies): async semaphore and pulse for flow control, backoff.
        .target(name: "SCADAConcurrency", swiftSettings: strict),

        // Protocol clients: Swift APIs over the C libraries.
        .target(name: "SCADAMQTT", dependencies: ["CMosquitto", log], swiftSettings: strict),
        .target(name: "SCADAKafka", dependencies: ["CRdKafka", "SCADAConcurrency", log], swiftSettings: strict),
        .target(name: "SCADAMongo", dependencies: ["CMongoC", log], swiftSettings: strict),

        // Shared vocabulary: configuration, logging, topic and collection names.
        .target(name: "SCADACore", dependencies: [log, .product(name: "Yams", package: "Yams")], swiftSettings: strict),

        // Operations surface of every service: /healthz, /readyz, /metrics, graceful lifecycle.
        .target(name: "SCADAOps", dependencies: [
            "SCADACore", log, metrics, lifecycle, hummingbird,
            .product(name: "Prometheus", package: "swift-prometheus"),
        ], swiftSettings: strict),
    ]
    + service("PLCSimulator", executable: "plc-simulator",
              dependencies: ["SCADAMQTT", "SCADAConcurrency", argumentParser, .product(name: "GRDB", package: "GRDB.swift"), hummingbird])
    + service("Preprocessor", executable: "preprocessor",
              dependencies: ["SCADAMQTT", "SCADAKafka", "SCADAConcurrency", prometheus, .product(name: "Yams", package: "Yams")],
              exclude: decoderFolderFiles, plugins: [.plugin(name: "DecoderTables")])
    + service("DBInterface", executable: "db-interface",
              dependencies: ["SCADAKafka", "SCADAMongo", "SCADAConcurrency", prometheus])
    + service("AnomalyDetector", executable: "anomaly-detector",
              dependencies: ["SCADAKafka", "SCADAMQTT", prometheus, httpClient, argumentParser],
              exclude: ["Limits", "RateOfChange", "Statistical", "Stuck", "Silence", "SequenceGap", "Flag"].map { "Detectors/\($0)/README.md" })
    + service("APIGateway", executable: "api-gateway",
              dependencies: ["SCADAMQTT", "SCADAKafka", "SCADAMongo", hummingbird, prometheus,
                             .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"),
                             .product(name: "HummingbirdAuth", package: "hummingbird-auth"),
                             .product(name: "JWTKit", package: "jwt-kit")],
              resources: [.copy("HMI/Resources")])
    + [
        // Operator and deployment CLI.
        .target(name: "SCADACtl", dependencies: ["SCADACore", "SCADAKafka", argumentParser, httpClient], swiftSettings: strict),
        .executableTarget(name: "scadactl", dependencies: ["SCADACtl", argumentParser], swiftSettings: strict),

        // Build-time embedding of the preprocessor's decoder tables (Decoders/<name>/decoder.yaml).
        .executableTarget(name: "embed-decoder-tables", swiftSettings: strict),
        .plugin(name: "DecoderTables", capability: .buildTool(), dependencies: ["embed-decoder-tables"]),

        // Benchmarks that need no server (run by `make bench`).
        .executableTarget(name: "bson-bench", dependencies: ["SCADAMongo"], swiftSettings: strict),

        // Starts real servers (mosquitto, tansu, nx-27017) on free loopback ports for tests.
        .target(name: "SCADATestSupport", dependencies: [log, "SCADAOps", "SCADAKafka", lifecycle], swiftSettings: strict),

        .testTarget(name: "SCADAConcurrencyTests", dependencies: ["SCADAConcurrency"], swiftSettings: strict),
        .testTarget(name: "SCADAMQTTTests", dependencies: ["SCADAMQTT", "SCADATestSupport"], swiftSettings: strict),
        .testTarget(name: "SCADAKafkaTests", dependencies: ["SCADAKafka", "SCADATestSupport"], swiftSettings: strict),
        .testTarget(name: "SCADAMongoTests", dependencies: ["SCADAMongo", "SCADATestSupport"], swiftSettings: strict),
        .testTarget(name: "PLCSimulatorTests", dependencies: ["PLCSimulator", "SCADAMQTT", "SCADATestSupport"],
                    swiftSettings: strict),
        .testTarget(name: "PreprocessorTests", dependencies: ["Preprocessor", "SCADACore", "SCADAOps", "SCADAMQTT", "SCADAKafka",
                                                            "SCADATestSupport"],
                    swiftSettings: strict),
        .testTarget(name: "DBInterfaceTests", dependencies: ["DBInterface", "SCADACore", "SCADAOps", "SCADAKafka", "SCADAMongo",
                                                           "SCADATestSupport"],
                    swiftSettings: strict),
        .testTarget(name: "APIGatewayTests", dependencies: ["APIGateway", "SCADACore", "SCADAOps", "SCADAKafka", "SCADAMQTT", "SCADAMongo",
                                                         "SCADATestSupport", "PLCSimulator", "DBInterface", "Preprocessor", httpClient,
                                                         .product(name: "HummingbirdWSClient", package: "hummingbird-websocket"),
                                                         .product(name: "HummingbirdTesting", package: "hummingbird"),
                                                         .product(name: "JWTKit", package: "jwt-kit")],
                    swiftSettings: strict),
        .testTarget(name: "AnomalyDetectorTests", dependencies: ["AnomalyDetector", "SCADACore", "SCADAOps", "SCADAKafka", "SCADAMQTT",
                                                              "SCADATestSupport", "PLCSimulator"],
                    swiftSettings: strict),
        .testTarget(name: "SCADACtlTests", dependencies: ["SCADACtl", "APIGateway", "SCADACore", "SCADAOps", "SCADAKafka",
                                                        "SCADAMongo", "SCADATestSupport", "PLCSimulator", "Preprocessor", "DBInterface",
                                                        httpClient],
                    swiftSettings: strict),
        .testTarget(name: "SCADACoreTests", dependencies: ["SCADACore", "SCADAOps", hummingbird,
                                                         .product(name: "HummingbirdTesting", package: "hummingbird")],
                    swiftSettings: strict),
    ],
    swiftLanguageModes: [.v6]
)
