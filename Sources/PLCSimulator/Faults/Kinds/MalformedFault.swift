/// Cuts the payload in half and appends garbage, so it is no longer JSON.
struct MalformedFault: FaultEffect {
    mutating func edit(payload: inout [UInt8], _ stage: FaultStage) {
        payload = Array(payload.prefix(max(1, payload.count / 2))) + Array("<<malformed".utf8)
    }
}
