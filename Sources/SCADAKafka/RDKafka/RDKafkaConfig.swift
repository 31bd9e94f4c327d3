import CRdKafka
import Logging

/// Builds an `rd_kafka_conf_t` from properties and installs the callbacks that reach ``RDKafkaContext``.
enum RDKafkaConfig {
    /// Returns a configuration the caller must hand to `rd_kafka_new` (or destroy).
    static func make(_ properties: [(key: String, value: String)], context: RDKafkaContext) throws(KafkaError) -> OpaquePointer {
        guard let conf = rd_kafka_conf_new() else {
            throw KafkaError(.library(code: -1), message: "rd_kafka_conf_new failed")
        }
        var error = RDKafkaErrorText()
        for (key, value) in properties {
            let result = rd_kafka_conf_set(conf, key, value, &error.buffer, error.buffer.count)
            guard result == RD_KAFKA_CONF_OK else {
                rd_kafka_conf_destroy(conf)
                throw KafkaError(.configuration(key: key, reason: error.text), message: "\(key)=\(value): \(error.text)")
            }
        }
        rd_kafka_conf_set_opaque(conf, Unmanaged.passUnretained(context).toOpaque())
        rd_kafka_conf_set_log_cb(conf) { rk, level, facility, text in
            guard let rk, let context = RDKafkaContext.from(rd_kafka_opaque(rk)) else { return }
            context.log(level: level, facility: facility.map { String(cString: $0) } ?? "",
                        text: text.map { String(cString: $0) } ?? "")
        }
        rd_kafka_conf_set_error_cb(conf) { rk, code, reason, opaque in
            guard let context = RDKafkaContext.from(opaque) else { return }
            let code = rd_kafka_resp_err_t(rawValue: code)
            var text = reason.map { String(cString: $0) } ?? String(cString: rd_kafka_err2str(code))
            if code == RD_KAFKA_RESP_ERR__FATAL, let rk {
                var fatal = RDKafkaErrorText()
                let underlying = rd_kafka_fatal_error(rk, &fatal.buffer, fatal.buffer.count)
                text = "fatal error \(String(cString: rd_kafka_err2name(underlying))): \(fatal.text)"
                context.logger.critical("\(text)")
            } else {
                // librdkafka has already logged the details (e.g. as FAIL); this is the summary.
                let level: Logger.Level = code == RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN ? .warning : .debug
                context.logger.log(level: level, "\(text)", metadata: ["kafka.error": "\(String(cString: rd_kafka_err2name(code)))"])
            }
            context.onError?(KafkaError(rdkafka: code, message: text))
        }
        if context.onDelivery != nil {
            rd_kafka_conf_set_dr_msg_cb(conf) { _, message, opaque in
                guard let message, let context = RDKafkaContext.from(opaque) else { return }
                context.onDelivery?(message)
            }
        }
        if context.onRebalance != nil {
            rd_kafka_conf_set_rebalance_cb(conf) { rk, code, partitions, opaque in
                guard let rk, let context = RDKafkaContext.from(opaque) else { return }
                context.onRebalance?(rk, code, partitions)
            }
        }
        return conf
    }
}
