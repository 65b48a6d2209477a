import InMemoryLogging
public import Logging

/// A logger whose every line a test can read back: swift-log's in-memory handler, at trace level.
public struct CapturedLogs: Sendable {
    private let handler = InMemoryLogHandler()

    public init() {}

    public var logger: Logger {
        var logger = Logger(label: "test", factory: { [handler] _ in handler })
        logger.logLevel = .trace
        return logger
    }

    /// Each line as `level message key=value ...`, metadata sorted by key.
    public var lines: [String] {
        handler.entries.map { entry in
            let metadata = entry.metadata.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
            return "\(entry.level) \(entry.message) \(metadata)"
        }
    }

    public var messages: [String] { handler.entries.map { "\($0.message)" } }

    public var text: String { lines.joined(separator: "\n") }
}
