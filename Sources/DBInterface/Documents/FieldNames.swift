import Foundation

/// MongoDB field names for metric names: `.` would nest and a leading `$` is an operator, so both
/// (and `%`) are percent-encoded: `voltages.L1` is stored as `voltages%2EL1`. Reversible.
public enum FieldNames {
    public static func encode(_ name: String) -> String {
        guard name.utf8.contains(where: { $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "%") || $0 == UInt8(ascii: "$") })
                || name.isEmpty else { return name }
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

    public static func decode(_ field: String) -> String {
        guard field.contains("%") else { return field }
        if field == "%00" { return "" }
        return field.replacingOccurrences(of: "%2E", with: ".").replacingOccurrences(of: "%24", with: "$")
            .replacingOccurrences(of: "%25", with: "%")
    }
}
