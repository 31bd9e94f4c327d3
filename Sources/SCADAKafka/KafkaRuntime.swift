import CRdKafka

/// The librdkafka library loaded at run time.
///
/// The module is built against Debian 12's headers (2.0.2) but needs librdkafka >= 2.2 at run time:
/// older versions skip tagged fields in broker responses one byte short and fail against tansu (and
/// recent brokers) with "ApiVersionRequest failed: Local: Read underflow".
public enum KafkaRuntime {
    /// The lowest supported version, in librdkafka's `0xMMmmrryy` format (2.2.0 final).
    public static let minimumVersion: Int32 = 0x0202_00FF

    /// The loaded library's version text, e.g. "2.16.0".
    public static var versionString: String { String(cString: rd_kafka_version_str()) }

    /// The loaded library's version, in librdkafka's `0xMMmmrryy` format.
    public static var version: Int32 { rd_kafka_version() }

    /// Throws ``KafkaError/Kind/unsupportedLibraryVersion`` unless librdkafka >= 2.2 is loaded.
    public static func requireSupportedVersion() throws(KafkaError) {
        guard version < minimumVersion else { return }
        throw KafkaError(.unsupportedLibraryVersion, message: """
            librdkafka \(versionString) is loaded, but >= 2.2.0 is required (older versions fail against \
            tansu and recent brokers with "Read underflow"). Point LD_LIBRARY_PATH at a librdkafka >= 2.2, \
            e.g. run `make setup`, then LD_LIBRARY_PATH=<repo>/.venv/rdkafka.
            """)
    }
}
