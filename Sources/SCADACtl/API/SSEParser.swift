/// One Server-Sent Event.
struct SSEEvent: Sendable, Equatable {
    var name = "message"
    var id: String?
    var data = ""
}

/// Splits an SSE byte stream into events (`event:`, `id:`, `data:` lines; comments skipped; blank line ends one).
struct SSEParser {
    private var line: [UInt8] = []
    private var current = SSEEvent()
    private var hasData = false

    mutating func feed(_ bytes: [UInt8]) -> [SSEEvent] {
        var events: [SSEEvent] = []
        for byte in bytes {
            if byte == UInt8(ascii: "\n") {
                if let event = take(line) { events.append(event) }
                line.removeAll(keepingCapacity: true)
            } else if byte != UInt8(ascii: "\r") {
                line.append(byte)
            }
        }
        return events
    }

    private mutating func take(_ bytes: [UInt8]) -> SSEEvent? {
        if bytes.isEmpty {
            defer { current = SSEEvent(); hasData = false }
            return hasData ? current : nil
        }
        let text = String(decoding: bytes, as: UTF8.self)
        if text.hasPrefix(":") { return nil }
        let parts = text.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
        let field = String(parts[0])
        var value = parts.count > 1 ? String(parts[1]) : ""
        if value.hasPrefix(" ") { value.removeFirst() }
        switch field {
        case "event": current.name = value
        case "id": current.id = value
        case "data":
            current.data += hasData ? "\n" + value : value
            hasData = true
        default: break
        }
        return nil
    }
}
