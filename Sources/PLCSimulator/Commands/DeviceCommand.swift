import Foundation

/// An operator or controller command from `{device topic}/commands`:
/// `{"command_id": "c-1", "command": "set_heater", "params": {"on": true}}`.
public struct DeviceCommand: Sendable, Equatable {
    public var id: String
    public var name: String
    public var params: [String: JSONValue]

    public init(id: String, name: String, params: [String: JSONValue] = [:]) {
        self.id = id
        self.name = name
        self.params = params
    }

    /// Parses a command payload; the error names what is wrong with it.
    public static func parse(_ payload: [UInt8]) throws(CommandRejection) -> DeviceCommand {
        let value: JSONValue
        do {
            value = try JSONDecoder().decode(JSONValue.self, from: Data(payload))
        } catch {
            throw CommandRejection("payload is not JSON")
        }
        guard case .object(let object) = value else { throw CommandRejection("payload is not a JSON object") }
        let id: String
        switch object["command_id"] {
        case .string(let text): id = text
        case .number(let number): id = number == number.rounded() ? String(Int64(number)) : String(number)
        default: id = ""
        }
        guard case .string(let name)? = object["command"], !name.isEmpty else {
            throw CommandRejection("missing 'command'", commandID: id)
        }
        let params: [String: JSONValue]
        switch object["params"] {
        case nil, .null?: params = [:]
        case .object(let fields)?: params = fields
        default: throw CommandRejection("'params' is not an object", commandID: id)
        }
        return DeviceCommand(id: id, name: name, params: params)
    }

    /// The `command_id` of a payload that may not parse, so even a rejection can name it.
    public static func commandID(in payload: [UInt8]) -> String {
        guard case .object(let object)? = try? JSONDecoder().decode(JSONValue.self, from: Data(payload)),
              case .string(let id)? = object["command_id"] else { return "" }
        return id
    }

    public func bool(_ key: String) throws(CommandRejection) -> Bool {
        guard case .bool(let flag)? = params[key] else { throw CommandRejection("'\(name)' needs boolean param '\(key)'") }
        return flag
    }

    public func number(_ key: String) throws(CommandRejection) -> Double {
        guard case .number(let number)? = params[key], number.isFinite else {
            throw CommandRejection("'\(name)' needs numeric param '\(key)'")
        }
        return number
    }

    public func optionalNumber(_ key: String) throws(CommandRejection) -> Double? {
        guard let value = params[key], value != .null else { return nil }
        guard case .number(let number) = value, number.isFinite else {
            throw CommandRejection("'\(name)' param '\(key)' must be a number")
        }
        return number
    }

    public func string(_ key: String) throws(CommandRejection) -> String {
        guard case .string(let text)? = params[key], !text.isEmpty else {
            throw CommandRejection("'\(name)' needs string param '\(key)'")
        }
        return text
    }

    public func optionalString(_ key: String) throws(CommandRejection) -> String? {
        guard let value = params[key], value != .null else { return nil }
        guard case .string(let text) = value else { throw CommandRejection("'\(name)' param '\(key)' must be a string") }
        return text
    }
}

/// Why a command was not applied; the text goes into the ack's `reason`.
public struct CommandRejection: Error, Sendable, Equatable, CustomStringConvertible {
    public var reason: String
    /// The command id, when the command got far enough to have one.
    public var commandID: String

    public init(_ reason: String, commandID: String = "") {
        self.reason = reason
        self.commandID = commandID
    }

    public var description: String { reason }
}
