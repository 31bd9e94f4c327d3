import Foundation

/// MongoDB field names for metric names: `.` would nest and a leading `$` is an operator, so both
/// (and `%`) are percent-encoded: `voltages.L1` is stored as `voltages%2EL1`. Reversible.
public enum FieldNames {
    public static func encode(_ name: String) -> String {
        guard needsEncoding(name) else { return name }
        if name.isEmpty { return "%00" }
        var out = ""
        for character in name {
            switch character {
            case "%": out += "%25"
            case ".": out += "%2E"
            case "$": out += "%24"
            default: out.append(character)
            }
        }
        return out
    }

    private static func needsEncoding(_ name: String) -> Bool {
        let check = { (utf8: UnsafeBufferPointer<UInt8>) -> Bool in
            utf8.isEmpty || utf8.contains { $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "%") || $0 == UInt8(ascii: "$") }
        }
        if let answer = name.utf8.withContiguousStorageIfAvailable(check) { return answer }
        var copy = name
        return copy.withUTF8(check)
    }

    public static func decode(_ field: String) -> String {
        guard field.contains("%") else { return field }
        if field == "%00" { return "" }
        return field.replacingOccurrences(of: "%2E", with: ".").replacingOccurrences(of: "%24", with: "$")
            .replacingOccurrences(of: "%25", with: "%")
    }
}
