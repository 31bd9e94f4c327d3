import CRdKafka

/// Hands one record to librdkafka with `rd_kafka_produceva` (the payload is copied).
enum RDKafkaProduce {
    static func produce(_ rk: OpaquePointer, _ record: KafkaProducerRecord, opaque: UInt) throws(KafkaError) {
        let failure: KafkaError? = record.topic.withCString { topic in
            record.value.withUnsafeBytes { value in
                withOptionalBytes(record.key) { key in
                    let headers = RDKafkaHeaders.make(record.headers)
                    var values: [rd_kafka_vu_t] = []
                    values.reserveCapacity(7)
                    values.append(entry(RD_KAFKA_VTYPE_TOPIC) { $0.cstr = topic })
                    values.append(entry(RD_KAFKA_VTYPE_VALUE) {
                        $0.mem.ptr = UnsafeMutableRawPointer(mutating: value.baseAddress)
                        $0.mem.size = value.count
                    })
                    if let key {
                        values.append(entry(RD_KAFKA_VTYPE_KEY) {
                            $0.mem.ptr = UnsafeMutableRawPointer(mutating: key.baseAddress)
                            $0.mem.size = key.count
                        })
                    }
                    if let partition = record.partition {
                        values.append(entry(RD_KAFKA_VTYPE_PARTITION) { $0.i32 = partition })
                    }
                    if let headers {
                        values.append(entry(RD_KAFKA_VTYPE_HEADERS) { $0.headers = headers })
                    }
                    values.append(entry(RD_KAFKA_VTYPE_OPAQUE) { $0.ptr = UnsafeMutableRawPointer(bitPattern: opaque) })
                    values.append(entry(RD_KAFKA_VTYPE_MSGFLAGS) { $0.i = RD_KAFKA_MSG_F_COPY })
                    guard let error = rd_kafka_produceva(rk, values, values.count) else { return nil }
                    defer { rd_kafka_error_destroy(error) }
                    if let headers { rd_kafka_headers_destroy(headers) }
                    return KafkaError(rdkafka: rd_kafka_error_code(error),
                                      message: String(cString: rd_kafka_error_string(error)))
                }
            }
        }
        if let failure { throw failure }
    }

    private static func entry(_ type: rd_kafka_vtype_t, _ fill: (inout rd_kafka_vu_t.__Unnamed_union_u) -> Void) -> rd_kafka_vu_t {
        var value = rd_kafka_vu_t()
        value.vtype = type
        fill(&value.u)
        return value
    }

    private static func withOptionalBytes<T>(_ bytes: [UInt8]?, _ body: (UnsafeRawBufferPointer?) -> T) -> T {
        guard let bytes else { return body(nil) }
        return bytes.withUnsafeBytes { body($0) }
    }
}
