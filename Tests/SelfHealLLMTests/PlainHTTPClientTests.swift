import Foundation
import NIOCore
import NIOHTTP1
@testable import SelfHealLLM
import SelfHealTestSupport
import Testing

/// The lean client `http://` LLM calls go through: it keeps connections alive and reuses
/// them, recovers from a server that dropped an idle one, and fails every other way with the
/// error the provider layer turns into a clear message.
@Suite("Plain HTTP client", .timeLimit(.minutes(1)))
struct PlainHTTPClientTests {
    let body = ByteBuffer(string: #"{"model": "m"}"#)

    @Test("URLs: host, port, path and query read once; anything but plain http is left to AsyncHTTPClient")
    func targets() {
        let full = PlainHTTPTarget(url: "http://127.0.0.1:8080/v1/chat/completions?api-version=2")
        #expect(full?.host == "127.0.0.1")
        #expect(full?.port == 8080)
        #expect(full?.path == "/v1/chat/completions?api-version=2")
        #expect(full?.hostHeader == "127.0.0.1:8080")
        #expect(PlainHTTPTarget(url: "hTtP://models.internal:8000/v1")?.port == 8000)
        let bare = PlainHTTPTarget(url: "HTTP://models.internal")
        #expect(bare?.port == 80)
        #expect(bare?.path == "/")
        #expect(bare?.hostHeader == "models.internal")
        let six = PlainHTTPTarget(url: "http://[::1]:9000/v1#part")
        #expect(six?.host == "::1")
        #expect(six?.path == "/v1")
        #expect(six?.hostHeader == "[::1]:9000")
        for url in ["https://api.openai.com/v1", "http://user:pass@host/v1", "http://host:0/", "http://host:99999/", "http://host:x/", "http:///v1", "http://[::1/v1", "http://\u{301}host/v1", "http:/", "http://", "http:\u{1A}//host/v1", "hTtP:\u{0F}/host/v1"] {
            #expect(PlainHTTPTarget(url: url) == nil, "\(url)")
        }
    }

    @Test("sequential calls share one kept-alive connection")
    func keepsConnectionsAlive() async throws {
        let server = try await RawHTTPServer.start { index in .answer(status: 200, body: #"{"n": \#(index)}"#) }
        let client = PlainHTTPClient()
        for index in 0..<5 {
            let response = try await client.post(server.target, headers: [("X-Test", "1")], body: body, timeout: .seconds(60), maxResponseBytes: 1 << 20)
            #expect(response.status == 200)
            #expect(String(buffer: response.body) == #"{"n": \#(index)}"#)
        }
        #expect(server.connections == 1)
        #expect(server.requests == 5)
        #expect(client.idleCount == 1)
        client.closeIdle()
        await server.stop()
    }

    @Test("a request arrives as sent: its line, Host, Content-Length and the caller's headers, and its body byte for byte, small or large")
    func requestArrivesWhole() async throws {
        let server = try await RawHTTPServer.start { _ in .echo }
        let client = PlainHTTPClient()
        for text in [#"{"model": "m", "prompt": "café ☕ \u0000"}"#, String(repeating: "0123456789abcdef", count: 65_536)] {
            let response = try await client.post(
                server.target, headers: [("Content-Type", "application/json"), ("Authorization", "Bearer k-1")], body: ByteBuffer(string: text),
                timeout: .seconds(60), maxResponseBytes: 4 << 20
            )
            let echoed = String(buffer: response.body)
            #expect(echoed == """
            POST /v1/chat/completions HTTP/1.1
            Host: 127.0.0.1:\(server.port)
            Content-Length: \(text.utf8.count)
            Content-Type: application/json
            Authorization: Bearer k-1

            \(text)
            """)
        }
        // Both on the one kept connection: each request ended where its Content-Length said.
        #expect(server.connections == 1 && server.requests == 2)
        client.closeIdle()
        await server.stop()
    }

    @Test("a header that would break the request (a line break, a name that is not a token) is not sent: the call fails naming it; the next call goes through")
    func unsendableHeadersAreRefused() async throws {
        let server = try await RawHTTPServer.start { _ in .answer(status: 200, body: "{}") }
        let client = PlainHTTPClient()
        for (headers, named) in [
            ([("Authorization", "Bearer k\r\nX-Injected: 1")], "the value of header 'Authorization' holds a control byte"),
            ([("X Bad", "1")], #"the header name "X Bad" is not a token"#),
            ([("X-Nul", "a\u{0}b")], "the value of header 'X-Nul' holds a control byte"),
        ] {
            await #expect {
                _ = try await client.post(server.target, headers: headers, body: body, timeout: .seconds(60), maxResponseBytes: 1 << 20)
            } throws: { error in
                guard case .connection(let reason) = error as? PlainHTTPClient.Failure else { return false }
                return reason == "the request was not sent: " + named
            }
        }
        #expect(server.requests == 0)
        let response = try await client.post(server.target, headers: [("X-Fine", "a\tb é")], body: body, timeout: .seconds(60), maxResponseBytes: 1 << 20)
        #expect(response.status == 200)
        #expect(server.requests == 1)
        client.closeIdle()
        await server.stop()
    }

    @Test("what a request may hold: tokens for the method and header names; no space or control byte in the target, none but a tab in a value")
    func requestProblems() {
        func head(_ uri: String = "/v1", method: HTTPMethod = .POST, headers: [(String, String)] = []) -> HTTPRequestHead {
            HTTPRequestHead(version: .http1_1, method: method, uri: uri, headers: HTTPHeaders(headers))
        }
        #expect(PlainHTTPRequestWriter.problem(with: head("/v1/chat/completions?api-version=2&x=%20", headers: [("X-Key_1.~", "v\t é 😀")])) == nil)
        for bad in [head(""), head("/v 1"), head("/v1\r\nX: 1"), head("/é"), head(method: .RAW(value: "PO ST")), head(headers: [("", "v")]), head(headers: [("X:Y", "v")]),
                    head(headers: [("X", "a\nb")]), head(headers: [("X", "a\rb")]), head(headers: [("X", "\u{7F}")])] {
            #expect(PlainHTTPRequestWriter.problem(with: bad) != nil, "\(bad)")
        }
    }

    @Test("a server that says Connection: close gets a new connection per call, and none is kept")
    func honoursConnectionClose() async throws {
        let server = try await RawHTTPServer.start { _ in .answer(status: 200, body: "{}", close: true) }
        let client = PlainHTTPClient()
        for _ in 0..<3 {
            let response = try await client.post(server.target, headers: [], body: body, timeout: .seconds(60), maxResponseBytes: 1 << 20)
            #expect(response.status == 200)
        }
        #expect(server.connections == 3)
        #expect(client.idleCount == 0)
        await server.stop()
    }

    @Test("a kept connection the server closed while it was idle is not used: the call goes on a new one")
    func dropsConnectionsClosedWhileIdle() async throws {
        let server = try await RawHTTPServer.start { _ in .answerThenIdleClose(body: #"{"ok": true}"#, after: .milliseconds(50)) }
        let client = PlainHTTPClient()
        for _ in 0..<2 {
            let response = try await client.post(server.target, headers: [], body: body, timeout: .seconds(60), maxResponseBytes: 1 << 20)
            #expect(String(buffer: response.body) == #"{"ok": true}"#)
            #expect(await eventually(within: .seconds(30)) { server.closed == server.connections })
        }
        #expect(server.connections == 2)
        #expect(server.requests == 2)
        await server.stop()
    }

    @Test("a kept connection the server dropped after taking the request: an error, and the request is not sent again")
    func doesNotResendATakenRequest() async throws {
        // Each connection answers its first request and hangs up on the next, having read it.
        let server = try await RawHTTPServer.start { index in index == 0 ? .answer(status: 200, body: #"{"ok": true}"#) : .hangUp }
        let client = PlainHTTPClient()
        _ = try await client.post(server.target, headers: [], body: body, timeout: .seconds(60), maxResponseBytes: 1 << 20)
        do {
            _ = try await client.post(server.target, headers: [], body: body, timeout: .seconds(60), maxResponseBytes: 1 << 20)
            Issue.record("a call whose connection was dropped succeeded")
        } catch let failure as PlainHTTPClient.Failure {
            guard case .connection = failure else { Issue.record("\(failure)"); return }
        }
        #expect(server.connections == 1)
        #expect(server.requests == 2)
        await server.stop()
    }

    @Test("bytes after an answer (more body than announced) close the connection: the next call is not read from them")
    func unsolicitedBytesRetireTheConnection() async throws {
        let server = try await RawHTTPServer.start { index in .answer(status: 200, body: #"{"n": \#(index)}"#, trailing: index == 0 ? "HTTP/1.1 408 Request Timeout\r\nContent-Length: 0\r\n\r\n" : "") }
        let client = PlainHTTPClient()
        let first = try await client.post(server.target, headers: [], body: body, timeout: .seconds(60), maxResponseBytes: 1 << 20)
        #expect(String(buffer: first.body) == #"{"n": 0}"#)
        let second = try await client.post(server.target, headers: [], body: body, timeout: .seconds(60), maxResponseBytes: 1 << 20)
        #expect(second.status == 200)
        #expect(String(buffer: second.body) == #"{"n": 0}"#)
        #expect(server.connections == 2)
        #expect(server.requests == 2)
        client.closeIdle()
        await server.stop()
    }

    @Test("a fresh connection the server drops is an error that says so, not a retry")
    func aDroppedFreshConnectionFails() async throws {
        let server = try await RawHTTPServer.start { _ in .hangUp }
        let client = PlainHTTPClient()
        do {
            _ = try await client.post(server.target, headers: [], body: body, timeout: .seconds(60), maxResponseBytes: 1 << 20)
            Issue.record("a call whose connection was dropped succeeded")
        } catch let failure as PlainHTTPClient.Failure {
            guard case .connection = failure else { Issue.record("\(failure)"); return }
        }
        #expect(server.requests == 1)
        await server.stop()
    }

    @Test("no answer within the timeout: timedOut, promptly, and the connection is closed")
    func timesOut() async throws {
        let server = try await RawHTTPServer.start { _ in .silence }
        let client = PlainHTTPClient()
        let started = ContinuousClock.now
        await #expect(throws: PlainHTTPClient.Failure.timedOut) {
            try await client.post(server.target, headers: [], body: body, timeout: .milliseconds(200), maxResponseBytes: 1 << 20)
        }
        #expect(ContinuousClock.now - started < .seconds(30), "not at its own deadline")
        #expect(await eventually(within: .seconds(30)) { server.closed == 1 })
        #expect(client.idleCount == 0)
        await server.stop()
    }

    @Test("a deadline met is gone: the next call on the same connection, answered after it would have passed, is answered")
    func aMetDeadlineDoesNotOutliveItsCall() async throws {
        // The first call answers at once under a deadline of 15 seconds (room for a loaded
        // machine: at the start of a full run, with every suite starting at once, this process
        // was seen to stall for 9 s, and 3 s failed the call); the second, on the same kept
        // connection, is answered a second after that deadline, under a long one of its own.
        let server = try await RawHTTPServer.start { index in
            index == 0 ? .answer(status: 200, body: "first") : .answerAfter(delay: .seconds(16), body: "second")
        }
        let client = PlainHTTPClient()
        let first = try await client.post(server.target, headers: [], body: body, timeout: .seconds(15), maxResponseBytes: 1 << 20)
        #expect(String(buffer: first.body) == "first")
        let second = try await client.post(server.target, headers: [], body: body, timeout: .seconds(45), maxResponseBytes: 1 << 20)
        #expect(String(buffer: second.body) == "second")
        #expect(server.connections == 1)
        client.closeIdle()
        await server.stop()
    }

    @Test("an answer longer than the caller accepts: tooLarge, and the connection is closed")
    func refusesTooLargeAnswers() async throws {
        let server = try await RawHTTPServer.start { _ in .answer(status: 200, body: String(repeating: "x", count: 100_000)) }
        let client = PlainHTTPClient()
        await #expect(throws: PlainHTTPClient.Failure.tooLarge(limit: 1000)) {
            try await client.post(server.target, headers: [], body: body, timeout: .seconds(60), maxResponseBytes: 1000)
        }
        #expect(await eventually(within: .seconds(30)) { server.closed == 1 })
        #expect(client.idleCount == 0)
        await server.stop()
    }

    @Test("cancelling the calling task closes the connection and throws CancellationError")
    func cancellationClosesTheConnection() async throws {
        let server = try await RawHTTPServer.start { _ in .silence }
        let client = PlainHTTPClient()
        let call = Task { [body] in
            try await client.post(server.target, headers: [], body: body, timeout: .seconds(30), maxResponseBytes: 1 << 20)
        }
        #expect(await eventually(within: .seconds(30)) { server.requests == 1 })
        call.cancel()
        await #expect(throws: CancellationError.self) { try await call.value }
        #expect(await eventually(within: .seconds(30)) { server.closed == 1 })
        await server.stop()
    }

    @Test("a call cancelled before it starts sends nothing, and the connection it made is closed and not counted")
    func cancelledBeforeItStarts() async throws {
        let server = try await RawHTTPServer.start { _ in .answer(status: 200, body: "ok") }
        let client = PlainHTTPClient()
        let call = Task { [body] in
            withUnsafeCurrentTask { $0?.cancel() }
            return try await client.post(server.target, headers: [], body: body, timeout: .seconds(60), maxResponseBytes: 1 << 20)
        }
        await #expect(throws: CancellationError.self) { try await call.value }
        // The connect is not stopped by the cancellation; what it made must not stay open.
        #expect(await eventually(within: .seconds(30)) { server.connections == 1 })
        #expect(await eventually(within: .seconds(30)) { server.closed == 1 })
        #expect(server.requests == 0)
        #expect(client.openCount == 0 && client.idleCount == 0)
        await server.stop()
    }

    @Test("nothing listening: a connection failure")
    func refusedConnection() async throws {
        let refusing = try RefusingPort()
        defer { refusing.close() }
        let client = PlainHTTPClient()
        do {
            _ = try await client.post(
                PlainHTTPTarget(url: refusing.url + "/v1")!, headers: [], body: body, timeout: .seconds(60), maxResponseBytes: 1 << 20
            )
            Issue.record("a call to a closed port succeeded")
        } catch let failure as PlainHTTPClient.Failure {
            guard case .connection = failure else { Issue.record("\(failure)"); return }
        }
    }
}
