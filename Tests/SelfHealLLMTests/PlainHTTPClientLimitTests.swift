import NIOConcurrencyHelpers
import NIOCore
@testable import SelfHealLLM
import SelfHealTestSupport
import Testing

/// The plain client opens at most `maxPerHost` connections to a host; calls beyond wait their
/// turn for a connection another call is done with, and give up at their deadline or when
/// cancelled, leaving the count of open connections as it was.
@Suite("Plain HTTP client: connections per host", .timeLimit(.minutes(1)))
struct PlainHTTPClientLimitTests {
    let body = ByteBuffer(string: #"{"model": "m"}"#)

    func post(_ client: PlainHTTPClient, _ server: RawHTTPServer, timeout: Duration = .seconds(20)) async throws -> String {
        let response = try await client.post(server.target, headers: [], body: body, timeout: timeout, maxResponseBytes: 1 << 20)
        return String(buffer: response.body)
    }

    @Test("ten calls at once through a limit of two: all answered, never more than two connections, those kept")
    func callsBeyondTheLimitWaitForAConnection() async throws {
        let server = try await RawHTTPServer.start { _ in .answerAfter(delay: .milliseconds(50), body: "ok") }
        let client = PlainHTTPClient(maxPerHost: 2)
        let answers = try await withThrowingTaskGroup(of: String.self) { group in
            for _ in 0..<10 { group.addTask { try await post(client, server) } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(answers == Array(repeating: "ok", count: 10))
        #expect(server.requests == 10)
        // Two unless a stall let the first call finish before the second asked (then one).
        #expect((1...2).contains(server.connections))
        #expect(server.peak <= 2)
        #expect(client.idleCount == server.connections && client.openCount == server.connections)
        client.closeIdle()
        await server.stop()
    }

    @Test("a server that closes after each answer: each waiting call gets the freed place and a new connection")
    func aClosedConnectionsPlaceGoesToTheNextCall() async throws {
        let server = try await RawHTTPServer.start { _ in .answerAfter(delay: .milliseconds(30), body: "ok", close: true) }
        let client = PlainHTTPClient(maxPerHost: 1)
        let answers = try await withThrowingTaskGroup(of: String.self) { group in
            for _ in 0..<4 { group.addTask { try await post(client, server) } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(answers == Array(repeating: "ok", count: 4))
        #expect(server.connections == 4)
        #expect(server.peak <= 1)
        #expect(client.openCount == 0)
        await server.stop()
    }

    @Test("a call waiting behind a silent one times out at its own deadline; the place is still the first call's")
    func aWaitingCallTimesOut() async throws {
        let server = try await RawHTTPServer.start { _ in .silence }
        let client = PlainHTTPClient(maxPerHost: 1)
        let first = Task { try await post(client, server, timeout: .seconds(30)) }
        #expect(await eventually(within: .seconds(30)) { server.requests == 1 })
        let started = ContinuousClock.now
        await #expect(throws: PlainHTTPClient.Failure.timedOut) { try await post(client, server, timeout: .milliseconds(200)) }
        // At its own deadline, not when the first call's place (30 s) comes free.
        #expect(ContinuousClock.now - started < .seconds(20))
        #expect(server.connections == 1)
        #expect(client.openCount == 1)
        first.cancel()
        _ = await first.result
        #expect(client.openCount == 0)
        await server.stop()
    }

    @Test("a waiting call that is cancelled throws CancellationError and leaves the queue; the place is still the first call's")
    func aWaitingCallIsCancelled() async throws {
        let served = NIOLockedValueBox(0)
        let server = try await RawHTTPServer.start { _ in
            served.withLockedValue { $0 += 1; return $0 } == 1 ? .silence : .answer(status: 200, body: "next")
        }
        let client = PlainHTTPClient(maxPerHost: 1)
        let first = Task { try await post(client, server, timeout: .seconds(30)) }
        #expect(await eventually(within: .seconds(30)) { server.requests == 1 })
        let waiting = Task { try await post(client, server) }
        #expect(await eventually(within: .seconds(30)) { client.waitingCount == 1 })
        waiting.cancel()
        await #expect(throws: CancellationError.self) { try await waiting.value }
        #expect(client.waitingCount == 0 && client.openCount == 1)
        first.cancel()
        _ = await first.result
        #expect(client.openCount == 0)
        #expect(try await post(client, server) == "next")
        client.closeIdle()
        await server.stop()
    }

    @Test("a failed connect gives its place back: calls waiting behind it get to try")
    func aFailedConnectFreesItsPlace() async throws {
        let refusing = try RefusingPort()
        defer { refusing.close() }
        let client = PlainHTTPClient(maxPerHost: 1)
        let target = PlainHTTPTarget(url: refusing.url + "/v1")!
        // Each call's own connect fails; one stuck behind a place never freed would time out instead.
        let failures = try await withThrowingTaskGroup(of: PlainHTTPClient.Failure?.self) { group in
            for _ in 0..<3 {
                group.addTask { [body] in
                    do {
                        _ = try await client.post(target, headers: [], body: body, timeout: .seconds(30), maxResponseBytes: 1 << 20)
                        return nil
                    } catch let failure as PlainHTTPClient.Failure {
                        return failure
                    }
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(failures.count == 3)
        for failure in failures {
            guard case .connection? = failure else {
                Issue.record("expected a connection failure, got \(String(describing: failure))")
                continue
            }
        }
        #expect(client.openCount == 0)
    }
}
