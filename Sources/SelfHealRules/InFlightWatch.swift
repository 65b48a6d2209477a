import Synchronization

/// When each evaluation in flight started, so `/health` can tell a busy evaluator from a
/// stuck one. Every Lua call is bounded, so a stuck evaluation means a bug in those bounds:
/// worth a degraded health status rather than a silent hang.
final class InFlightWatch: Sendable {
    private struct State {
        var next = 0
        var started: [Int: ContinuousClock.Instant] = [:]
    }

    private let state = Mutex(State())

    func begin(at start: ContinuousClock.Instant) -> Int {
        state.withLock { state in
            state.next += 1
            state.started[state.next] = start
            return state.next
        }
    }

    func end(_ ticket: Int) {
        _ = state.withLock { $0.started.removeValue(forKey: ticket) }
    }

    /// Evaluations running now, and those running for longer than `limit`.
    func count(olderThan limit: Duration, now: ContinuousClock.Instant = .now) -> (running: Int, stuck: Int) {
        state.withLock { state in
            (state.started.count, state.started.values.filter { now - $0 > limit }.count)
        }
    }
}
