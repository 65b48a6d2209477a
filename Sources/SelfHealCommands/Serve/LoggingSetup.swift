import Logging
import SelfHealServer

/// JSON lines on standard error for every logger of the process.
enum LoggingSetup {
    static func bootstrap(level: Logger.Level) {
        LoggingSystem.bootstrap { label in
            JSONLogHandler(label: label, level: level)
        }
    }

    /// The level `name` spells (any case); `source` (the flag or variable) names it in the error.
    static func level(_ name: String, from source: String) throws -> Logger.Level {
        guard let level = Logger.Level(rawValue: name.lowercased()) else {
            throw UsageError("\(source): '\(name)' is not one of trace, debug, info, notice, warning, error, critical")
        }
        return level
    }
}
