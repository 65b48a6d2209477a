import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

/// The connections of a `PlainHTTPClient` to each host: at most `maxPerHost` open at once (in
/// use, idle, or being made), as AsyncHTTPClient allowed before it. Without a limit a burst of
/// requests opens one connection per LLM call in flight, two per request: hundreds of sockets
/// to a model server that serves a few at a time, and descriptors the process may run out of.
/// Calls beyond the limit wait, first come first served, for a connection another call is done
/// with (or a free place to open one), until their deadline or their cancellation.
final class PlainHTTPHostPool: Sendable {
    /// What a call may do.
    enum Grant: Sendable {
        /// Use this kept-alive connection.
        case reuse(PlainHTTPConnection)
        /// Open a new connection: a place under the limit is held for it.
        case connect
    }

    private struct Waiter {
        let id: UInt64
        let continuation: CheckedContinuation<Grant, any Error>
        var timer: Scheduled<Void>?
    }

    private struct Host {
        var idle: [PlainHTTPConnection] = []
        /// Connections counted against the limit: in use, idle, or being made.
        var open = 0
        /// Only while `open` is at the limit and nothing is idle.
        var waiters: [Waiter] = []
    }

    private struct State {
        var hosts: [String: Host] = [:]
        var lastWaiter: UInt64 = 0
    }

    let maxPerHost: Int
    let maxIdlePerHost: Int
    private let state = NIOLockedValueBox(State())

    init(maxPerHost: Int, maxIdlePerHost: Int) {
        self.maxPerHost = max(1, maxPerHost)
        self.maxIdlePerHost = min(maxIdlePerHost, self.maxPerHost)
    }

    /// A kept connection (one on the calling task's event loop preferred: no hop between
    /// threads), else a place to open one, else a turn in the queue.
    func acquire(_ key: String, deadline: NIODeadline) async throws -> Grant {
        let loop = MultiThreadedEventLoopGroup.currentEventLoop
        if let grant = state.withLockedValue({ Self.grant(&$0.hosts[key, default: Host()], loop: loop, limit: maxPerHost) }) {
            return grant
        }
        let id = state.withLockedValue { state in
            state.lastWaiter += 1
            return state.lastWaiter
        }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Grant, any Error>) in
                // A call may have finished since the first look.
                let now = state.withLockedValue { state -> Grant? in
                    if let grant = Self.grant(&state.hosts[key, default: Host()], loop: loop, limit: maxPerHost) { return grant }
                    state.hosts[key, default: Host()].waiters.append(Waiter(id: id, continuation: continuation))
                    return nil
                }
                if let now { return continuation.resume(returning: now) }
                let timerLoop = loop ?? MultiThreadedEventLoopGroup.singleton.any()
                let timer = timerLoop.scheduleTask(deadline: deadline) { self.leave(key, id: id, with: PlainHTTPClient.Failure.timedOut) }
                let stillWaiting = state.withLockedValue { state in
                    guard let index = state.hosts[key]?.waiters.firstIndex(where: { $0.id == id }) else { return false }
                    state.hosts[key]?.waiters[index].timer = timer
                    return true
                }
                if !stillWaiting { timer.cancel() }
                // Cancelled before it was queued: `onCancel` found nothing to take out.
                if Task.isCancelled { leave(key, id: id, with: CancellationError()) }
            }
        } onCancel: {
            leave(key, id: id, with: CancellationError())
        }
    }

    /// A call is done with `connection`: it goes to the first waiting call, or is kept idle, or
    /// (`keep` false, or too many idle) is closed and its place goes to the first waiting call.
    func release(_ connection: PlainHTTPConnection, key: String, keep: Bool) {
        let keep = keep && connection.channel.isActive
        let (waiter, grant, close) = state.withLockedValue { state -> (Waiter?, Grant, Bool) in
            // In place: a copy of the host out of the table would copy its lists per call.
            Self.release(connection, keep: keep, from: &state.hosts[key, default: Host()], maxIdle: maxIdlePerHost)
        }
        if close { connection.channel.close(promise: nil) }
        if let waiter {
            waiter.timer?.cancel()
            waiter.continuation.resume(returning: grant)
        }
    }

    /// A place held for a connection that was never made (the connect failed).
    func giveUp(_ key: String) {
        let waiter = state.withLockedValue { state in Self.freePlace(&state.hosts[key, default: Host()]) }
        if let waiter {
            waiter.timer?.cancel()
            waiter.continuation.resume(returning: .connect)
        }
    }

    /// Closes every idle connection (tests; a process exiting need not).
    func closeIdle() {
        let all = state.withLockedValue { state in
            var all: [PlainHTTPConnection] = []
            for key in state.hosts.keys {
                guard var host = state.hosts[key] else { continue }
                all += host.idle
                host.open -= host.idle.count
                host.idle.removeAll()
                state.hosts[key] = host
            }
            return all
        }
        for connection in all { connection.channel.close(promise: nil) }
    }

    var idleCount: Int { state.withLockedValue { $0.hosts.values.reduce(0) { $0 + $1.idle.count } } }
    var openCount: Int { state.withLockedValue { $0.hosts.values.reduce(0) { $0 + $1.open } } }
    var waitingCount: Int { state.withLockedValue { $0.hosts.values.reduce(0) { $0 + $1.waiters.count } } }

    private static func grant(_ host: inout Host, loop: (any EventLoop)?, limit: Int) -> Grant? {
        // Closed ones (the server's idle timeout) are dropped on the way, and their places freed.
        let before = host.idle.count
        host.idle.removeAll { !$0.channel.isActive }
        host.open -= before - host.idle.count
        if let loop, let index = host.idle.lastIndex(where: { $0.channel.eventLoop === loop }) {
            return .reuse(host.idle.remove(at: index))
        }
        if let connection = host.idle.popLast() { return .reuse(connection) }
        // Waiting calls come first: a place freed while they wait is already theirs.
        guard host.waiters.isEmpty, host.open < limit else { return nil }
        host.open += 1
        return .connect
    }

    private static func release(_ connection: PlainHTTPConnection, keep: Bool, from host: inout Host, maxIdle: Int) -> (Waiter?, Grant, Bool) {
        if keep, !host.waiters.isEmpty {
            return (host.waiters.removeFirst(), .reuse(connection), false)
        }
        if keep, host.idle.count < maxIdle {
            host.idle.append(connection)
            return (nil, .connect, false)
        }
        return (freePlace(&host), .connect, true)
    }

    /// One connection fewer; the first waiting call, if any, takes its place.
    private static func freePlace(_ host: inout Host) -> Waiter? {
        guard !host.waiters.isEmpty else {
            host.open -= 1
            return nil
        }
        return host.waiters.removeFirst()
    }

    private func leave(_ key: String, id: UInt64, with error: any Error) {
        let waiter = state.withLockedValue { state -> Waiter? in
            guard let index = state.hosts[key]?.waiters.firstIndex(where: { $0.id == id }) else { return nil }
            return state.hosts[key]?.waiters.remove(at: index)
        }
        guard let waiter else { return }
        waiter.timer?.cancel()
        waiter.continuation.resume(throwing: error)
    }
}
