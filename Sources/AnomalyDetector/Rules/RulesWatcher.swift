import Foundation
import Logging
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Watches the rules file's modification time and size; a changed file is parsed and, if valid, handed
/// on. A bad file is refused with a logged error and the rules in force stay.
struct RulesWatcher: Sendable {
    let path: String
    let interval: Duration
    let logger: Logger

    /// The file's current (mtime s, mtime ns, size, inode), following symbolic links (a mounted ConfigMap
    /// swaps a `..data` link); nil when it cannot be read.
    static func stamp(_ path: String) -> [Int]? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        #if canImport(Darwin)
        return [Int(info.st_mtimespec.tv_sec), Int(info.st_mtimespec.tv_nsec), Int(info.st_size), Int(info.st_ino)]
        #else
        return [Int(info.st_mtim.tv_sec), Int(info.st_mtim.tv_nsec), Int(info.st_size), Int(info.st_ino)]
        #endif
    }

    /// Polls until cancelled; `accept` gets each valid new rule set, `reject` each refused file.
    func run(initialStamp: [Int]?, accept: (RuleSet) -> Void, reject: (RulesError) -> Void) async {
        var seen = initialStamp
        while !Task.isCancelled {
            do { try await Task.sleep(for: interval) } catch { return }
            let stamp = Self.stamp(path)
            guard stamp != seen else { continue }
            seen = stamp
            do {
                let rules = try RuleSet.load(path: path)
                logger.notice("rules reloaded", metadata: ["file": "\(path)", "rules": "\(rules.rules.count)"])
                accept(rules)
            } catch {
                logger.error("rules file refused; the previous rules stay in force", metadata: ["file": "\(path)", "error": "\(error.description)"])
                reject(error)
            }
        }
    }
}
