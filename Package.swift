// swift-tools-version:6.1
// The SCADA platform: five services joined by MQTT, Kafka and MongoDB.
// See ARCHITECTURE.md for the rooms and who may import whom.
import PackageDescription

let strict: [SwiftSetting] = [.enableUpcomingFeature("ExistentialAny")]

let package = Package(
    name: "scada",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "SCADAMQTT", targets: ["SCADAMQTT"]),
        .library(name: "SCADAKafka", targets: ["SCADAKafka"]),
        .library(name: "SCADAMongo", targets: ["SCADAMongo"]),
        .library(name: "SCADATestSupport", targets: ["SCADATestSupport"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.0"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.0.0"),
    ],
    targets: [
        // C libraries, confined to one client module each.
        .systemLibrary(name: "CRdKafka", pkgConfig: "rdkafka", providers: [.apt(["librdkafka-dev"])]),
        .systemLibrary(name: "CMongoC", pkgConfig: "libmongoc-1.0", providers: [.apt(["libmongoc-dev", "libbson-dev"])]),
        .systemLibrary(name: "CMosquitto", pkgConfig: "libmosquitto", providers: [.apt(["libmosquitto-dev"])]),

        // Protocol clients: Swift APIs over the C libraries.
        .target(name: "SCADAMQTT", dependencies: ["CMosquitto", .product(name: "Logging", package: "swift-log")], swiftSettings: strict),
        .target(name: "SCADAKafka", dependencies: ["CRdKafka", .product(name: "Logging", package: "swift-log")], swiftSettings: strict),
        .target(name: "SCADAMongo", dependencies: ["CMongoC", .product(name: "Logging", package: "swift-log")], swiftSettings: strict),

        // Shared vocabulary: configuration, topics, the canonical telemetry record.
        .target(name: "SCADACore", dependencies: [
            .product(name: "Logging", package: "swift-log"),
            .product(name: "Yams", package: "Yams"),
        ], swiftSettings: strict),

        // Starts real servers (mosquitto, tansu, nx-27017) on free loopback ports for tests.
        .target(name: "SCADATestSupport", dependencies: [.product(name: "Logging", package: "swift-log")], swiftSettings: strict),

        .testTarget(name: "SCADAMQTTTests", dependencies: ["SCADAMQTT", "SCADATestSupport"], swiftSettings: strict),
        .testTarget(name: "SCADAKafkaTests", dependencies: ["SCADAKafka", "SCADATestSupport"], swiftSettings: strict),
        .testTarget(name: "SCADAMongoTests", dependencies: ["SCADAMongo", "SCADATestSupport"], swiftSettings: strict),
        .testTarget(name: "SCADACoreTests", dependencies: ["SCADACore"], swiftSettings: strict),
    ],
    swiftLanguageModes: [.v6]
)
