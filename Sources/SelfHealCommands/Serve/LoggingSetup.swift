import Logging
import SelfHealServer

/// JSON lines on standard error for every logger of the process.
enum LoggingSetup {
    static func bootstrap(level: Logger.Level) {
        LoggingSystem.bootstrap { label in
            JSONLogHandler(label: label, level: level)
        }
    }
}
