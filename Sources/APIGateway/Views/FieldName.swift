/// Metric names as MongoDB field names, in the historian's encoding (docs/db-interface.md): `%`, `.` and `$`
/// are percent-encoded, the empty name is `%00`.
enum FieldName {
    static func encode(_ name: String) -> String {
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

    static func decode(_ field: String) -> String {
        guard field.contains("%") else { return field }
        if field == "%00" { return "" }
        return field.replacing("%2E", with: ".").replacing("%24", with: "$").replacing("%25", with: "%")
    }
}
