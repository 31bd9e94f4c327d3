/// A failure with the exit code scripts can rely on (see docs/scadactl.md).
public struct CLIFailure: Error, CustomStringConvertible {
    /// 0 ok, 1 failed check, 2 usage, 3 not found, 4 auth, 5 server or unreachable, 6 rejected, 7 pending/timeout.
    public enum Code: Int32, Sendable {
        case failed = 1, usage = 2, notFound = 3, auth = 4, server = 5, rejected = 6, pending = 7
    }

    public let code: Code
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }

    /// The failure an HTTP status stands for (nil for 2xx).
    static func forStatus(_ status: Int, detail: String) -> CLIFailure? {
        switch status {
        case 200..<300: nil
        case 401, 403: CLIFailure(.auth, detail)
        case 404: CLIFailure(.notFound, detail)
        case 409: CLIFailure(.rejected, detail)
        case 400..<500 where status != 429: CLIFailure(.usage, detail)
        default: CLIFailure(.server, detail)
        }
    }
}
