import CRdKafka
import Logging

/// What librdkafka's callbacks reach through the configuration opaque. Immutable; it must outlive
/// the `rd_kafka_t` it belongs to (``RDKafkaHandle`` keeps it until `rd_kafka_destroy` returned).
final class RDKafkaContext: Sendable {
    typealias Delivery = @Sendable (UnsafePointer<rd_kafka_message_t>) -> Void
    typealias Rebalance = @Sendable (OpaquePointer, rd_kafka_resp_err_t, UnsafeMutablePointer<rd_kafka_topic_partition_list_t>?) -> Void
    typealias ErrorHandler = @Sendable (KafkaError) -> Void

    let logger: Logger
    let onDelivery: Delivery?
    let onRebalance: Rebalance?
    let onError: ErrorHandler?

    init(logger: Logger, onDelivery: Delivery? = nil, onRebalance: Rebalance? = nil, onError: ErrorHandler? = nil) {
        self.logger = logger
        self.onDelivery = onDelivery
        self.onRebalance = onRebalance
        self.onError = onError
    }

    /// The context behind a configuration opaque pointer.
    static func from(_ opaque: UnsafeMutableRawPointer?) -> RDKafkaContext? {
        opaque.map { Unmanaged<RDKafkaContext>.fromOpaque($0).takeUnretainedValue() }
    }

    /// Logs a librdkafka log line; `level` is syslog-style (0 emergency ... 7 debug).
    func log(level: Int32, facility: String, text: String) {
        let swiftLevel: Logger.Level = switch level {
        case ...2: .critical
        case 3: .error
        case 4: .warning
        case 5: .notice
        case 6: .info
        default: .debug
        }
        logger.log(level: swiftLevel, "\(text)", metadata: ["kafka.facility": "\(facility)"])
    }
}
