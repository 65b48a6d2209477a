public import Foundation
public import Logging
import SelfHealCore
import Synchronization

/// Writes one JSON object per line: `{"ts","level","label","msg",...metadata}`, keys sorted.
/// Log lines from several threads never interleave: writes are serialised.
///
/// The line is written by hand: `JSONSerialization` over boxed values and Foundation's ISO 8601
/// date style cost about 140 µs per line here, and every request logs at least one line at the
/// default level.
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

        /// The whole line in as few `write`s as the descriptor takes; a descriptor that fails
        /// (closed, full disk) loses the line, never the caller.
        func write(_ line: [UInt8]) {
            handle.withLock { handle in
                let descriptor = handle.fileDescriptor
                line.withUnsafeBytes { bytes in
                    var offset = 0
                    while offset < bytes.count {
                        let written = Foundation.write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
                        if written > 0 {
                            offset += written
                        } else if written < 0, errno == EINTR {
                            continue
                        } else {
                            return
                        }
                    }
                }
            }
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
        sink.write(line(for: event, at: Self.now()))
    }

    /// The line's bytes, newline included. Metadata of the event wins over the handler's, and
    /// both over the fixed fields of the same name.
    func line(for event: LogEvent, at time: timespec) -> [UInt8] {
        let extra = event.metadata ?? [:]
        var entries: [(key: String, value: Logger.MetadataValue)] = []
        entries.reserveCapacity(metadata.count + extra.count + 5)
        // Both sets side by side, not merged into a copy: a line is written per log call.
        // Membership by index, not by value: looking a value up copies it out and back.
        for entry in metadata where extra.index(forKey: entry.key) == nil { entries.append(entry) }
        for entry in extra { entries.append(entry) }
        // Which fixed fields the metadata already names: one look at each key's length and
        // bytes, not a hash of each fixed name in both dictionaries.
        var taken = FixedFields()
        for entry in entries { taken.note(entry.key) }
        if !taken.ts { entries.append(("ts", .string(Self.timestamp(time)))) }
        if !taken.level { entries.append(("level", .string(event.level.rawValue))) }
        if !taken.label { entries.append(("label", .string(label))) }
        if !taken.msg { entries.append(("msg", .string(event.message.description))) }
        if let error = event.error, !taken.error { entries.append(("error", .string("\(error)"))) }
        entries.sort { $0.key < $1.key }
        var writer = JSONWriter(capacity: 1024)
        writer.beginObject()
        for entry in entries {
            writer.key(named: entry.key)
            Self.write(entry.value, to: &writer)
        }
        writer.endObject()
        writer.endLine()
        return writer.bytes
    }

    /// The fixed fields a line's metadata names itself.
    struct FixedFields {
        var ts = false, level = false, label = false, msg = false, error = false

        mutating func note(_ key: String) {
            var key = key
            key.withUTF8 { bytes in
                switch bytes.count {
                case 2: if bytes.elementsEqual("ts".utf8) { ts = true }
                case 3: if bytes.elementsEqual("msg".utf8) { msg = true }
                case 5:
                    if bytes.elementsEqual("level".utf8) { level = true }
                    else if bytes.elementsEqual("label".utf8) { label = true }
                    else if bytes.elementsEqual("error".utf8) { error = true }
                default: break
                }
            }
        }
    }

    private static func write(_ value: Logger.MetadataValue, to writer: inout JSONWriter) {
        switch value {
        case .string(let text):
            writer.string(text)
        case .stringConvertible(let convertible):
            writer.string(convertible.description)
        case .array(let values):
            writer.beginArray()
            for element in values { write(element, to: &writer) }
            writer.endArray()
        case .dictionary(let dictionary):
            writer.beginObject()
            for entry in dictionary.sorted(by: { $0.key < $1.key }) {
                writer.key(named: entry.key)
                write(entry.value, to: &writer)
            }
            writer.endObject()
        }
    }

    static func now() -> timespec {
        var time = timespec()
        clock_gettime(CLOCK_REALTIME, &time)
        return time
    }

    /// `2026-12-06T07:32:55.289Z`: UTC, milliseconds (truncated), as ISO 8601 with a `Z`.
    static func timestamp(_ time: timespec) -> String {
        var seconds = time.tv_sec
        var parts = tm()
        gmtime_r(&seconds, &parts)
        var text: [UInt8] = []
        text.reserveCapacity(24)
        func digits(_ value: Int, _ width: Int) {
            var divisor = 1
            for _ in 1..<width { divisor *= 10 }
            var value = value
            for _ in 0..<width {
                text.append(UInt8(ascii: "0") + UInt8(value / divisor % 10))
                value %= divisor
                divisor /= 10
            }
        }
        digits(Int(parts.tm_year) + 1900, 4)
        text.append(UInt8(ascii: "-"))
        digits(Int(parts.tm_mon) + 1, 2)
        text.append(UInt8(ascii: "-"))
        digits(Int(parts.tm_mday), 2)
        text.append(UInt8(ascii: "T"))
        digits(Int(parts.tm_hour), 2)
        text.append(UInt8(ascii: ":"))
        digits(Int(parts.tm_min), 2)
        text.append(UInt8(ascii: ":"))
        digits(Int(parts.tm_sec), 2)
        text.append(UInt8(ascii: "."))
        digits(Int(time.tv_nsec) / 1_000_000, 3)
        text.append(UInt8(ascii: "Z"))
        return String(decoding: text, as: UTF8.self)
    }
}
