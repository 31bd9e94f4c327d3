import Foundation

/// A 12-byte MongoDB ObjectId: 4 bytes of seconds since 1970, 5 random bytes, a 3-byte counter.
public struct BSONObjectId: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Bytes 0..<8, big-endian, so ordering follows the byte order (and so creation time).
    let high: UInt64
    /// Bytes 8..<12, big-endian.
    let low: UInt32

    /// A new, process-unique ObjectId (libbson's generator: time, per-process random, counter).
    public init() {
        self.init(validBytes: Self.generatedBytes()[...])
    }

    /// The ObjectId with these 12 bytes; `nil` if `bytes` is not 12 bytes long.
    public init?(bytes: some Collection<UInt8>) {
        guard bytes.count == 12 else { return nil }
        self.init(validBytes: Array(bytes)[...])
    }

    /// The ObjectId written as 24 hexadecimal digits; `nil` for anything else.
    public init?(hex: String) {
        let utf8 = Array(hex.utf8)
        guard utf8.count == 24 else { return nil }
        var bytes = [UInt8]()
        bytes.reserveCapacity(12)
        for i in stride(from: 0, to: 24, by: 2) {
            guard let hi = Self.nibble(utf8[i]), let lo = Self.nibble(utf8[i + 1]) else { return nil }
            bytes.append(hi << 4 | lo)
        }
        self.init(validBytes: bytes[...])
    }

    init(validBytes bytes: ArraySlice<UInt8>) {
        var high: UInt64 = 0
        var low: UInt32 = 0
        for (i, byte) in bytes.enumerated() {
            if i < 8 { high = high << 8 | UInt64(byte) } else { low = low << 8 | UInt32(byte) }
        }
        self.high = high
        self.low = low
    }

    /// The 12 bytes, in wire order.
    public var bytes: [UInt8] {
        var out = [UInt8]()
        out.reserveCapacity(12)
        for shift in stride(from: 56, through: 0, by: -8) { out.append(UInt8(truncatingIfNeeded: high >> UInt64(shift))) }
        for shift in stride(from: 24, through: 0, by: -8) { out.append(UInt8(truncatingIfNeeded: low >> UInt32(shift))) }
        return out
    }

    /// The creation time stored in the first 4 bytes (second precision).
    public var timestamp: Date { Date(timeIntervalSince1970: Double(UInt32(truncatingIfNeeded: high >> 32))) }

    /// 24 lowercase hexadecimal digits.
    public var hex: String {
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(24)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0xF)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    public var description: String { hex }

    public static func < (lhs: BSONObjectId, rhs: BSONObjectId) -> Bool {
        (lhs.high, lhs.low) < (rhs.high, rhs.low)
    }

    private static func nibble(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): c - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}

extension BSONObjectId: Codable {
    /// Outside ``BSONEncoder`` (e.g. JSON) an ObjectId is its hex string.
    public init(from decoder: any Decoder) throws {
        if let bson = decoder as? _BSONDecoder, case .objectId(let id) = bson.value {
            self = id
            return
        }
        let container = try decoder.singleValueContainer()
        let hex = try container.decode(String.self)
        guard let id = BSONObjectId(hex: hex) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "not an ObjectId: \(hex)")
        }
        self = id
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(hex)
    }
}
