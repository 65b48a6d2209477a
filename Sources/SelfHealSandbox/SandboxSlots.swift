import SelfHealCore
import Synchronization

/// At most `count` sandboxes at once, each with its own slot number (its uid offset); a
/// bounded line of waiters behind them; anyone beyond that is turned away at once, because a
/// request that waits without bound only moves the overload to the client's timeout. A free
/// slot is taken by the caller's rank (`WarmHosts.rank`), then in the order slots were freed:
/// a warm host clears up after answering, so the slot idle longest is the one most likely
/// ready at once.
final class SandboxSlots: Sendable {
    private struct State {
        var free: [Int]
        var waiters: [CheckedContinuation<Int, any Error>] = []
    }

    private let state: Mutex<State>
    let count: Int
    let queueLength: Int

    init(count: Int, queueLength: Int) {
        self.count = count
        self.queueLength = queueLength
        state = Mutex(State(free: Array(0..<count)))
    }

    /// A slot: of the free ones, the first (in the order they were freed) of the lowest
    /// `rank`, which the caller computes just before (`rank[slot]`; empty: no preference).
    func acquire(rank: [Int] = []) async throws -> Int {
        try await withCheckedThrowingContinuation { continuation in
            enum Decision { case run(Int), wait, busy(Int) }
            let decision = state.withLock { state -> Decision in
                if !state.free.isEmpty {
                    var best = state.free.startIndex
                    if rank.count == count {
                        for index in state.free.indices where rank[state.free[index]] < rank[state.free[best]] { best = index }
                    }
                    return .run(state.free.remove(at: best))
                }
                if state.waiters.count < queueLength {
                    state.waiters.append(continuation)
                    return .wait
                }
                return .busy(state.waiters.count)
            }
            switch decision {
            case .run(let slot): continuation.resume(returning: slot)
            case .wait: break
            case .busy(let queued): continuation.resume(throwing: SandboxError.busy(running: count, queued: queued))
            }
        }
    }

    /// Slots taken and callers waiting for one, now.
    var occupancy: (running: Int, waiting: Int) {
        state.withLock { (count - $0.free.count, $0.waiters.count) }
    }

    /// Hands the slot to the longest waiter, or frees it.
    func release(_ slot: Int) {
        let next = state.withLock { state -> CheckedContinuation<Int, any Error>? in
            if state.waiters.isEmpty {
                state.free.append(slot)
                return nil
            }
            return state.waiters.removeFirst()
        }
        next?.resume(returning: slot)
    }
}
