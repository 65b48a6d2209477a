import Foundation
import NIOCore
import NIOPosix
import Testing
@testable import SelfHealSandbox

/// The warm host's socket on an event loop: frames however the bytes arrive, and every way a
/// host can go wrong on the wire ends in a failure the runner can act on, never a hang.
@Suite(.timeLimit(.minutes(1)))
struct WarmHostLinkTests {
    /// A link on one of NIO's loops, and the host's end of the socket pair.
    private func linked() async throws -> (link: WarmHostLink, host: Int32) {
        var pair: [Int32] = [-1, -1]
        #expect(socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0, &pair) == 0)
        let ours = pair[0]
        // attach blocks until the channel is registered: on a thread made for blocking.
        let link = try await NIOThreadPool.singleton.runIfActive {
            try WarmHostLink.attach(descriptor: ours, to: MultiThreadedEventLoopGroup.singleton.next())
        }
        return (link, pair[1])
    }

    private func frame(_ header: String, _ body: String = "") -> [UInt8] {
        let payload = Array((header + "\n" + body).utf8)
        let length = UInt32(payload.count)
        return [UInt8(length >> 24), UInt8((length >> 16) & 0xFF), UInt8((length >> 8) & 0xFF), UInt8(length & 0xFF)] + payload
    }

    private func write(_ descriptor: Int32, _ bytes: [UInt8]) {
        let written = bytes.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
        #expect(written == bytes.count)
    }

    private func readExactly(_ descriptor: Int32, _ count: Int) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        var filled = 0
        while filled < count {
            let got = bytes[filled...].withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, $0.count) }
            guard got > 0 else { break }
            filled += got
        }
        return Array(bytes[..<filled])
    }

    private func exchange(_ link: WarmHostLink, _ job: [UInt8]) async -> Result<HostMessage, HostLinkError> {
        do {
            return .success(try await link.onLoop { link.exchange(job, by: .after(.seconds(30))) }.get())
        } catch {
            return .failure(error as? HostLinkError ?? .closed)
        }
    }

    private func next(_ link: WarmHostLink, within duration: Duration = .seconds(30)) async -> Result<HostMessage, HostLinkError> {
        do {
            return .success(try await link.onLoop { link.next(by: .after(duration)) }.get())
        } catch {
            return .failure(error as? HostLinkError ?? .closed)
        }
    }

    @Test("an answer split across writes, or sharing one with the clean after it, arrives whole; the clean is kept for the next read")
    func framing() async throws {
        let (link, host) = try await linked()
        defer { close(host); link.close() }
        let job: [UInt8] = [0, 0, 0, 2, 123, 10]
        async let answer = exchange(link, job)
        // The job reaching the host proves the answer's reader is in place.
        #expect(readExactly(host, job.count) == job)
        let first = frame(#"{"timed_out": false, "out": 3, "status": 0}"#, "outerr")
        write(host, Array(first[..<2]))
        write(host, Array(first[2..<9]))
        write(host, Array(first[9...]) + frame(#"{"clean": true}"#))
        let reply = try await answer.get()
        #expect(reply.header.int("out") == 3)
        #expect(reply.body == Array("outerr".utf8))
        // The `clean` came with the answer, before anyone asked for it.
        let clean = try await next(link).get()
        #expect(clean.header.bool("clean") == true)
    }

    @Test(
        "a frame of no length, or one past the bound by a byte or by far, fails the read, and every read after it",
        arguments: [0, UInt32(HostFrameDecoder.maximumLength) + 1, UInt32.max]
    )
    func badLength(_ length: UInt32) async throws {
        let (link, host) = try await linked()
        defer { close(host); link.close() }
        write(host, [UInt8(length >> 24), UInt8((length >> 16) & 0xFF), UInt8((length >> 8) & 0xFF), UInt8(length & 0xFF)])
        #expect(await next(link).failure == .badLength(Int(length)))
        #expect(await next(link).failure == .badLength(Int(length)))
    }

    @Test("a header that is not a JSON object fails the read", arguments: ["{not json", "[1, 2]", "\"clean\"", "", "{\"clean\": true"])
    func notJSON(_ header: String) async throws {
        let (link, host) = try await linked()
        defer { close(host); link.close() }
        write(host, frame(header))
        #expect(await next(link).failure == .notJSON)
    }

    @Test("a second message nobody asked for ends the link: a host cannot fill selfheal's memory")
    func secondUnasked() async throws {
        let (link, host) = try await linked()
        defer { close(host); link.close() }
        write(host, frame(#"{"clean": true}"#) + frame(#"{"status": 0, "out": 0}"#) + frame(#"{"status": 0, "out": 0}"#))
        // Whatever came first may be read; after it, only the failure.
        var results: [Result<HostMessage, HostLinkError>] = []
        for _ in 0..<2 { results.append(await next(link)) }
        #expect(results.compactMap(\.failure).contains(.unasked), "\(results.map(\.failure))")
        #expect(await next(link).failure == .unasked)
    }

    @Test("a message left waiting when a host goes wrong is not read: every read after the end fails")
    func noReadAfterTheEnd() async throws {
        let (link, host) = try await linked()
        defer { close(host); link.close() }
        // A reader waits first (loop tasks run in order: once the no-op has run, it is there).
        let first = link.onLoop { link.next(by: .after(.seconds(30))) }
        try await link.onLoop { link.eventLoop.makeSucceededFuture(()) }.get()
        // Its answer, then a message left waiting, then one too many: the link ends.
        write(host, frame(#"{"status": 0, "out": 0}"#) + frame(#"{"clean": true}"#) + frame(#"{"clean": true}"#))
        #expect(try await first.get().header.int("status") == 0)
        #expect(await next(link).failure == .unasked)
        #expect(await next(link).failure == .unasked)
    }

    @Test("a job is not sent while a message nobody asked for waits: it would be taken for the job's answer")
    func unaskedBeforeAJob() async throws {
        let (link, host) = try await linked()
        defer { close(host); link.close() }
        // The clean, read as settling does, then a message the host sends early.
        write(host, frame(#"{"clean": true}"#))
        #expect(try await next(link).get().header.bool("clean") == true)
        write(host, frame(#"{"timed_out": false, "out": 0, "status": 0}"#))
        let deadline = ContinuousClock.now + .seconds(30)
        while !link.hasUnread, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(10)) }
        try #require(link.hasUnread)
        #expect(await exchange(link, [0, 0, 0, 1, 10]).failure == .unasked)
    }

    @Test("a header longer than its bound is not read: the read fails")
    func longHeader() async throws {
        let (link, host) = try await linked()
        defer { close(host); link.close() }
        write(host, frame("{" + String(repeating: " ", count: HostFrameDecoder.maximumHeader) + "}"))
        #expect(await next(link).failure == .notJSON)
    }

    @Test("a host that closes its end fails the read waiting for it, and the next")
    func closed() async throws {
        let (link, host) = try await linked()
        defer { link.close() }
        async let waiting = next(link)
        try await Task.sleep(for: .milliseconds(50))
        close(host)
        #expect(await waiting.failure == .closed)
        #expect(await next(link).failure == .closed)
    }

    @Test("a read answered in time takes its deadline with it: the next read waits past it for its own message")
    func aMetDeadlineDoesNotOutliveItsRead() async throws {
        let (link, host) = try await linked()
        defer { close(host); link.close() }
        write(host, frame(#"{"clean": true}"#))
        // A deadline of 15 seconds (room for a loaded machine: at the start of a full run, with
        // every suite starting at once, this process was seen to stall for 9 s), then a message
        // a second past it.
        #expect(try await next(link, within: .seconds(15)).get().header.bool("clean") == true)
        async let second = next(link, within: .seconds(45))
        try await Task.sleep(for: .seconds(16))
        write(host, frame(#"{"answer": 2}"#))
        #expect(try await second.get().header.int("answer") == 2)
    }

    @Test("a host that says nothing fails the read at its deadline")
    func silent() async throws {
        let (link, host) = try await linked()
        defer { close(host); link.close() }
        #expect(await next(link, within: .milliseconds(100)).failure == .timedOut)
        // The link still reads what comes after.
        write(host, frame(#"{"clean": true}"#))
        #expect(try await next(link).get().header.bool("clean") == true)
    }

    @Test("every harness a warm host keeps fits, with its message line, in one message to the host's forker")
    func harnessesFitTheForkersMessage() {
        for program in PythonHarness.Program.allCases {
            // `harness GENERATION NAME\n` then the text; the generation counts every harness and
            // environment a host has been sent.
            let size = "harness \(Int.max) \(PythonHarness.mainFile)\n".utf8.count + program.text.utf8.count
            #expect(size <= WarmHostProgram.forkerMessageLimit, "the \(program) harness's message is \(size) bytes")
        }
    }
}

extension Result {
    var failure: Failure? {
        if case .failure(let failure) = self { return failure }
        return nil
    }
}
