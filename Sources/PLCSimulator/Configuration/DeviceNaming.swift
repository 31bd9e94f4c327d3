import Foundation

/// Expands topic and id templates for device number n:
/// `{n}` -> 7, `{nn}` -> 07, `{nnn}` -> 007, `{n?}` -> empty for device 1 and n otherwise
/// (`factory/energy{n?}` gives `factory/energy`, `factory/energy2`, ...), `{id}` -> the device id.
public enum DeviceNaming {
    public static func expand(_ template: String, index: Int, id: String = "") -> String {
        var text = template
        text = text.replacingAll("{nnn}", with: pad(index, 3))
        text = text.replacingAll("{nn}", with: pad(index, 2))
        text = text.replacingAll("{n?}", with: index == 1 ? "" : String(index))
        text = text.replacingAll("{n}", with: String(index))
        return text.replacingAll("{id}", with: id)
    }

    private static func pad(_ value: Int, _ width: Int) -> String {
        let digits = String(value)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
}

extension String {
    func replacingAll(_ target: String, with replacement: String) -> String {
        guard contains(target) else { return self }
        return components(separatedBy: target).joined(separator: replacement)
    }
}
