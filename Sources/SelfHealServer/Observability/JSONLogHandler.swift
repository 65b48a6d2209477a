public import Foundation
public import Logging
import Synchronization

/// Writes one JSON object per line: `{"ts","level","label","msg",...metadata}`.
/// Log lines from several threads never interleave: writes are serialised.
public struct JSONLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level
    private let label: String
    private let sink: Sink

    /// Where lines go; shared by every logger of the process.
    public final class Sink: Sendable {
        private let handle: Mutex<FileHandle>

        public init(_ handle: FileHandle) {
            self.handle = Mutex(handle)
        }

        public static let standardError = Sink(FileHandle.standardError)

        func write(_ line: Data) {
            handle.withLock { $0.write(line) }
        }
    }

    public init(label: String, level: Logger.Level = .info, sink: Sink = .standardError) {
        self.label = label
        self.logLevel = level
        self.sink = sink
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var object: [String: Any] = [
            "ts": Self.timestamp(),
            "level": event.level.rawValue,
            "label": label,
            "msg": event.message.description,
        ]
        if let error = event.error { object["error"] = "\(error)" }
        let merged = metadata.merging(event.metadata ?? [:]) { $1 }
        for (key, value) in merged {
            object[key] = Self.json(value)
        }
        guard var data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes]) else {
            return
        }
        data.append(0x0A)
        sink.write(data)
    }

    private static func json(_ value: Logger.MetadataValue) -> Any {
        switch value {
        case .string(let s): s
        case .stringConvertible(let c): c.description
        case .array(let a): a.map(json)
        case .dictionary(let d): d.mapValues(json)
        }
    }

    private static func timestamp() -> String {
        Date().formatted(.iso8601.year().month().day().time(includingFractionalSeconds: true).timeZone(separator: .omitted))
    }
}
