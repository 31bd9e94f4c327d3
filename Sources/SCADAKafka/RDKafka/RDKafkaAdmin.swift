import CRdKafka

/// Blocking admin requests; call on a worker thread.
enum RDKafkaAdmin {
    static func createTopic(_ rk: OpaquePointer, name: String, partitions: Int32, replicationFactor: Int16,
                            config: [String: String], timeout: Duration) throws(KafkaError) {
        var error = RDKafkaErrorText()
        guard let topic = rd_kafka_NewTopic_new(name, partitions, Int32(replicationFactor), &error.buffer, error.buffer.count) else {
            throw KafkaError(.configuration(key: "topic", reason: error.text), message: "topic \(name): \(error.text)")
        }
        defer { rd_kafka_NewTopic_destroy(topic) }
        for (key, value) in config.sorted(by: { $0.key < $1.key }) {
            let code = rd_kafka_NewTopic_set_config(topic, key, value)
            guard code == RD_KAFKA_RESP_ERR_NO_ERROR else {
                throw KafkaError(.configuration(key: key, reason: String(cString: rd_kafka_err2str(code))),
                                 message: "topic config \(key)=\(value) rejected", code: code.rawValue)
            }
        }
        guard let options = rd_kafka_AdminOptions_new(rk, RD_KAFKA_ADMIN_OP_CREATETOPICS) else {
            throw KafkaError(.library(code: -1), message: "rd_kafka_AdminOptions_new failed")
        }
        defer { rd_kafka_AdminOptions_destroy(options) }
        let milliseconds = timeout.rdkafkaMilliseconds
        _ = rd_kafka_AdminOptions_set_operation_timeout(options, milliseconds, &error.buffer, error.buffer.count)
        _ = rd_kafka_AdminOptions_set_request_timeout(options, milliseconds, &error.buffer, error.buffer.count)

        guard let queue = rd_kafka_queue_new(rk) else { throw KafkaError(.library(code: -1), message: "rd_kafka_queue_new failed") }
        defer { rd_kafka_queue_destroy(queue) }
        var topics: [OpaquePointer?] = [topic]
        rd_kafka_CreateTopics(rk, &topics, 1, options, queue)

        guard let event = rd_kafka_queue_poll(queue, milliseconds &+ 5000) else {
            throw KafkaError(.timedOut, message: "creating topic \(name) timed out")
        }
        defer { rd_kafka_event_destroy(event) }
        let code = rd_kafka_event_error(event)
        guard code == RD_KAFKA_RESP_ERR_NO_ERROR else {
            throw KafkaError(rdkafka: code, message: rd_kafka_event_error_string(event).map { String(cString: $0) })
        }
        guard let result = rd_kafka_event_CreateTopics_result(event) else {
            throw KafkaError(.library(code: -1), message: "unexpected admin result event")
        }
        var count = 0
        guard let results = rd_kafka_CreateTopics_result_topics(result, &count) else { return }
        for index in 0..<count {
            guard let topicResult = results[index] else { continue }
            let code = rd_kafka_topic_result_error(topicResult)
            guard code == RD_KAFKA_RESP_ERR_NO_ERROR else {
                let text = rd_kafka_topic_result_error_string(topicResult).map { String(cString: $0) }
                    ?? String(cString: rd_kafka_err2str(code))
                throw KafkaError(rdkafka: code, message: "topic \(name): \(text)")
            }
        }
    }

    static func listTopics(_ rk: OpaquePointer, timeout: Duration) throws(KafkaError) -> [KafkaTopicMetadata] {
        var metadata: UnsafePointer<rd_kafka_metadata>?
        let code = rd_kafka_metadata(rk, 1, nil, &metadata, timeout.rdkafkaMilliseconds)
        guard code == RD_KAFKA_RESP_ERR_NO_ERROR, let metadata else { throw KafkaError(rdkafka: code) }
        defer { rd_kafka_metadata_destroy(metadata) }
        guard let topics = metadata.pointee.topics else { return [] }
        return (0..<Int(metadata.pointee.topic_cnt)).compactMap { index in
            let topic = topics[index]
            guard topic.err == RD_KAFKA_RESP_ERR_NO_ERROR, let name = topic.topic else { return nil }
            return KafkaTopicMetadata(name: String(cString: name), partitionCount: Int(topic.partition_cnt))
        }
    }
}
