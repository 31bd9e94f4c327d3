import CRdKafka

extension KafkaError {
    /// An error for a librdkafka error code, classified into a ``Kind``.
    init(rdkafka code: rd_kafka_resp_err_t, message: String? = nil, kind: Kind? = nil) {
        self.init(kind ?? Self.kind(of: code),
                  message: message ?? String(cString: rd_kafka_err2str(code)),
                  code: code.rawValue)
    }

    static func closed(_ what: String = "the client is closed") -> KafkaError {
        KafkaError(.closed, message: what)
    }

    private static func kind(of code: rd_kafka_resp_err_t) -> Kind {
        switch code {
        case RD_KAFKA_RESP_ERR__QUEUE_FULL: .queueFull
        case RD_KAFKA_RESP_ERR__MSG_TIMED_OUT: .messageTimedOut
        case RD_KAFKA_RESP_ERR__TRANSPORT, RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN, RD_KAFKA_RESP_ERR__RESOLVE,
             RD_KAFKA_RESP_ERR_BROKER_NOT_AVAILABLE, RD_KAFKA_RESP_ERR_NETWORK_EXCEPTION:
            .brokerUnavailable
        case RD_KAFKA_RESP_ERR__TIMED_OUT, RD_KAFKA_RESP_ERR_REQUEST_TIMED_OUT: .timedOut
        case RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC, RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART,
             RD_KAFKA_RESP_ERR__UNKNOWN_PARTITION:
            .unknownTopic
        case RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS: .topicAlreadyExists
        case RD_KAFKA_RESP_ERR__DESTROY, RD_KAFKA_RESP_ERR__PURGE_QUEUE, RD_KAFKA_RESP_ERR__PURGE_INFLIGHT: .closed
        default: .library(code: code.rawValue)
        }
    }
}

/// A C `errstr` buffer for librdkafka calls that report failures as text.
struct RDKafkaErrorText {
    var buffer = [CChar](repeating: 0, count: 512)

    var text: String {
        String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

extension Duration {
    /// Whole milliseconds, clamped to librdkafka's `int` timeout range (negative becomes 0).
    var rdkafkaMilliseconds: Int32 {
        let (seconds, attoseconds) = components
        let milliseconds = seconds * 1000 + attoseconds / 1_000_000_000_000_000
        return Int32(clamping: max(0, milliseconds))
    }
}
