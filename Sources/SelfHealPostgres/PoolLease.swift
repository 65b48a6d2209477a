import Logging
import PostgresNIO
import Synchronization

/// Runs an operation on a pooled connection, giving up when none comes within a timeout, or
/// when the operation itself does not finish within another.
///
/// While the server is down, postgres-nio's pool keeps a lease request waiting for up to a
/// minute (until its circuit breaker trips), and cancelling the waiting request does not always
/// end the wait. So the operation runs in a task of its own and the caller waits only for
/// whichever comes first: the operation's result or a timeout. A claim on one phase decides the
/// outcome exactly once, and an operation that gets its connection after the caller gave up
/// does not run at all: a write the caller saw fail for want of a connection is never applied
/// later.
///
/// Once running, an operation may still never answer: a restart of the server under load left,
/// rarely, a query waiting for a minute and more on a connection whose server had gone. The
/// caller then gets `Overran` after `runTimeout` (the operation is cancelled and left to end
/// by itself); a write that overran may have been applied, which the caller cannot know.
final class PoolLease<T: Sendable>: Sendable {
    struct Timeout: Error {}
    struct Overran: Error {}

    private enum Phase: Int {
        case waiting, running, finishedBeforeRunning, timedOut, finished, overran
    }

    private let phase = Atomic<Int>(Phase.waiting.rawValue)
    private let tasks = Mutex<(operation: Task<Void, Never>?, timer: Task<Void, Never>?)>((nil, nil))

    private func claim(_ next: Phase, from current: Phase = .waiting) -> Bool {
        phase.compareExchange(expected: current.rawValue, desired: next.rawValue, ordering: .acquiringAndReleasing).exchanged
    }

    /// `runTimeout`: how long the operation may run once it has its connection; nil for no bound
    /// (a migration, a bulk load).
    static func run(
        on client: PostgresClient, logger: Logger, timeout: Duration, runTimeout: Duration?,
        _ body: @escaping @Sendable (PostgresConnection, Logger) async throws -> T
    ) async throws -> T {
        let lease = PoolLease<T>()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
                let timer = Task {
                    try? await Task.sleep(for: timeout)
                    guard lease.claim(.timedOut) else { return }
                    continuation.resume(throwing: Timeout())
                    lease.tasks.withLock { $0.operation }?.cancel()
                }
                let operation = Task {
                    do {
                        let result = try await client.withConnection { connection -> T in
                            guard lease.claim(.running) else { throw Timeout() }
                            lease.tasks.withLock { $0.timer }?.cancel()
                            if let runTimeout {
                                let overrun = Task {
                                    try? await Task.sleep(for: runTimeout)
                                    guard !Task.isCancelled, lease.claim(.overran, from: .running) else { return }
                                    continuation.resume(throwing: Overran())
                                    lease.tasks.withLock { $0.operation }?.cancel()
                                }
                                lease.tasks.withLock { $0.timer = overrun }
                            }
                            return try await body(connection, logger)
                        }
                        lease.tasks.withLock { $0.timer }?.cancel()
                        if lease.claim(.finished, from: .running) {
                            continuation.resume(returning: result)
                        }
                    } catch {
                        lease.tasks.withLock { $0.timer }?.cancel()
                        // Failed while running, or before a connection came (and before the timeout).
                        if lease.claim(.finished, from: .running) || lease.claim(.finishedBeforeRunning) {
                            continuation.resume(throwing: error)
                        }
                    }
                }
                lease.tasks.withLock { tasks in
                    tasks.operation = operation
                    // The operation may be running (with its own timer) already.
                    if tasks.timer == nil { tasks.timer = timer }
                }
            }
        } onCancel: {
            lease.tasks.withLock { $0.operation }?.cancel()
        }
    }
}
