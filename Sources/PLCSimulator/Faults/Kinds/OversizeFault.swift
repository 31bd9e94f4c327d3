/// Pads the payload with a `padding` string field until it is `size` bytes (still valid JSON).
struct OversizeFault: FaultEffect {
    var size: Int

    mutating func edit(payload: inout [UInt8], _ stage: FaultStage) {
        let opening = Array(#","padding":""#.utf8)
        guard payload.last == UInt8(ascii: "}"), payload.count + opening.count + 2 < size else { return }
        payload.removeLast()
        payload.reserveCapacity(size)
        payload.append(contentsOf: opening)
        payload.append(contentsOf: repeatElement(UInt8(ascii: "x"), count: size - payload.count - 2))
        payload.append(contentsOf: [UInt8(ascii: "\""), UInt8(ascii: "}")])
    }
}
