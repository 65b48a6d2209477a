import Foundation
import Logging
import Synchronization
@testable import SelfHealServer
import Testing

/// The service's log lines: one JSON object per line, keys sorted, written by hand.
@Suite struct JSONLogHandlerTests {
    private struct Described: CustomStringConvertible { var description: String { "described \"here\"" } }
    private struct Failure: Error, CustomStringConvertible { var description: String { "disk\nfull" } }

    private func event(_ message: Logger.Message, metadata: Logger.Metadata?, error: (any Error)? = nil) -> LogEvent {
        var event = LogEvent(level: .warning, message: message, metadata: metadata, source: nil, file: #fileID, function: #function, line: #line)
        event.error = error
        return event
    }

    @Test("a line is one JSON object with the fixed fields, the metadata, escapes and nesting, keys sorted")
    func lineIsOneSortedJSONObject() throws {
        var handler = JSONLogHandler(label: "selfheal.test")
        handler[metadataKey: "role"] = "all"
        handler[metadataKey: "request.id"] = "from the handler"
        let text = "quote \" backslash \\ newline \n tab \t control \u{01} é 🎉 slash /"
        let line = handler.line(
            for: event("Evaluated \(text)", metadata: [
                "request.id": "from the event", "z.text": .string(text), "a.convertible": .stringConvertible(Described()),
                "list": ["one", ["nested"], ["k": "v"]], "map": ["b": "2", "a": ["x"]],
            ], error: Failure()),
            at: timespec(tv_sec: 1_800_000_000, tv_nsec: 123_456_789)
        )
        #expect(line.last == 0x0A)
        #expect(line.dropLast().contains(0x0A) == false, "one line")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line)) as? [String: Any])
        #expect(object["ts"] as? String == "2027-01-15T08:00:00.123Z")
        #expect(object["level"] as? String == "warning")
        #expect(object["label"] as? String == "selfheal.test")
        #expect(object["msg"] as? String == "Evaluated \(text)")
        #expect(object["error"] as? String == "disk\nfull")
        #expect(object["role"] as? String == "all")
        #expect(object["request.id"] as? String == "from the event", "the event's metadata wins over the handler's")
        #expect(object["z.text"] as? String == text)
        #expect(object["a.convertible"] as? String == "described \"here\"")
        let list = try #require(object["list"] as? [Any])
        #expect(list.count == 3)
        #expect(list[0] as? String == "one")
        #expect(list[1] as? [String] == ["nested"])
        #expect(list[2] as? [String: String] == ["k": "v"])
        let map = try #require(object["map"] as? [String: Any])
        #expect(map["b"] as? String == "2")
        #expect(map["a"] as? [String] == ["x"])
        #expect(object.count == 11)
        // Sorted keys, at the top and inside a nested object.
        let raw = String(decoding: line, as: UTF8.self)
        let order = ["\"a.convertible\"", "\"error\"", "\"label\"", "\"level\"", "\"list\"", "\"map\"", "\"msg\"", "\"request.id\"", "\"role\"", "\"ts\"", "\"z.text\""]
        let positions = order.map { raw.range(of: $0)?.lowerBound }
        #expect(positions.allSatisfy { $0 != nil })
        #expect(positions.compactMap { $0 } == positions.compactMap { $0 }.sorted())
        #expect(raw.contains(#"{"a":["x"],"b":"2"}"#))
    }

    @Test("without metadata a line holds the four fixed fields; metadata named like one of them replaces it")
    func fixedFields() throws {
        let handler = JSONLogHandler(label: "l")
        let plain = try #require(try JSONSerialization.jsonObject(with: Data(handler.line(for: event("m", metadata: nil), at: timespec()))) as? [String: String])
        #expect(plain == ["ts": "1970-01-01T00:00:00.000Z", "level": "warning", "label": "l", "msg": "m"])
        let named = try #require(try JSONSerialization.jsonObject(with: Data(handler.line(for: event("m", metadata: ["msg": "from metadata"]), at: timespec()))) as? [String: String])
        #expect(named["msg"] == "from metadata")
        #expect(named.count == 4)
    }

    @Test("each fixed field (and the error's) is replaced by metadata of its exact name, from the handler or the event; a near name adds a field")
    func everyFixedFieldGivesWayToMetadataOfItsName() throws {
        struct Failure: Error, CustomStringConvertible { var description: String { "boom" } }
        func fields(_ handlerMetadata: Logger.Metadata, _ eventMetadata: Logger.Metadata?) throws -> [String: String] {
            var handler = JSONLogHandler(label: "l")
            for (key, value) in handlerMetadata { handler[metadataKey: key] = value }
            let line = handler.line(for: event("m", metadata: eventMetadata, error: Failure()), at: timespec())
            return try #require(try JSONSerialization.jsonObject(with: Data(line)) as? [String: String])
        }
        let fixed = ["ts": "1970-01-01T00:00:00.000Z", "level": "warning", "label": "l", "msg": "m", "error": "boom"]
        #expect(try fields([:], nil) == fixed)
        for name in fixed.keys {
            var expected = fixed
            expected[name] = "mine"
            #expect(try fields([name: "mine"], nil) == expected, "handler metadata \(name)")
            #expect(try fields([:], [name: "mine"]) == expected, "event metadata \(name)")
            #expect(try fields([name: "handler's"], [name: "mine"]) == expected, "both \(name)")
        }
        for near in ["t", "tss", "lab", "Label", "levels", "msg ", "errors", "label\u{0}"] {
            var expected = fixed
            expected[near] = "near"
            #expect(try fields([:], [near: "near"]) == expected, "\(near.debugDescription)")
        }
    }

    @Test("keys are escaped as values are: a key with a quote, a newline or a control character stays one field of one line")
    func hostileKeysAreEscaped() throws {
        var handler = JSONLogHandler(label: "l")
        handler[metadataKey: "handler \"key\"\nnext"] = "a"
        let line = handler.line(for: event("m", metadata: ["event\u{01}\\key": ["nested\"\n": "b"]]), at: timespec())
        #expect(line.dropLast().contains(0x0A) == false, "one line")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line)) as? [String: Any])
        #expect(object["handler \"key\"\nnext"] as? String == "a")
        #expect(object["event\u{01}\\key"] as? [String: String] == ["nested\"\n": "b"])
        #expect(object.count == 6)
    }

    @Test("the timestamp is the ISO 8601 one Foundation writes, to the millisecond, at any instant")
    func timestampMatchesFoundation() {
        var generator = SystemRandomNumberGenerator()
        var instants: [(Int, Int)] = [(0, 0), (951_782_400, 999_999_999), (1_709_164_799, 500_000_000), (4_102_444_799, 1_000_000)]
        for _ in 0..<500 { instants.append((Int.random(in: 0..<4_102_444_800, using: &generator), Int.random(in: 0..<1_000_000_000, using: &generator))) }
        for (seconds, nanoseconds) in instants {
            let ours = JSONLogHandler.timestamp(timespec(tv_sec: seconds, tv_nsec: nanoseconds))
            // Foundation's, at the millisecond ours truncates to (it would round).
            let date = Date(timeIntervalSince1970: Double(seconds) + Double(nanoseconds / 1_000_000) / 1000 + 0.0001)
            let foundation = date.formatted(.iso8601.year().month().day().time(includingFractionalSeconds: true).timeZone(separator: .omitted))
            #expect(ours == foundation, "at \(seconds).\(nanoseconds)")
        }
    }

    @Test("lines written from many threads at once arrive whole, each on its own line", .timeLimit(.minutes(1)))
    func concurrentLinesDoNotInterleave() throws {
        let pipe = Pipe()
        let sink = JSONLogHandler.Sink(pipe.fileHandleForWriting)
        // Longer than the pipe holds (64 KiB): a write waits for the reader half-way, and without
        // the lock another thread's line would go in between (checked: it fails without it).
        // Threads of their own, not tasks: a write blocks while the pipe is full, and blocked
        // tasks could hold every thread of the pool the reader needs.
        let long = String(repeating: "x", count: 150_000)
        let received = Mutex(Data())
        let readerDone = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            while true {
                let chunk = pipe.fileHandleForReading.availableData
                if chunk.isEmpty { break }
                received.withLock { $0.append(chunk) }
            }
            readerDone.signal()
        }
        let writersDone = DispatchSemaphore(value: 0)
        for writer in 0..<4 {
            Thread.detachNewThread {
                let handler = JSONLogHandler(label: "writer \(writer)", sink: sink)
                for index in 0..<20 {
                    handler.log(event: event("line \(index)", metadata: ["long": .string(long)]))
                }
                writersDone.signal()
            }
        }
        for _ in 0..<4 { writersDone.wait() }
        try pipe.fileHandleForWriting.close()
        readerDone.wait()
        let lines = received.withLock { $0 }.split(separator: 0x0A)
        #expect(lines.count == 80)
        for line in lines {
            let object = try JSONSerialization.jsonObject(with: Data(line)) as? [String: Any]
            #expect(object?["long"] as? String == long)
        }
    }
}
