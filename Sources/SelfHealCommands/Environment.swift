import Foundation

/// Flag values fall back to environment variables; this reads them, treating empty as unset.
enum Env {
    static func get(_ name: String) -> String? {
        guard let value = ProcessInfo.processInfo.environment[name], !value.isEmpty else { return nil }
        return value
    }
}

/// A wrong flag or value: the CLI prints this one line and exits non-zero.
struct UsageError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
