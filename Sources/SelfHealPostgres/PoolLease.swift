import Logging
import PostgresNIO
import Synchronization

/// Runs an operation on a pooled connection, giving up when none comes within a timeout.
///
/// While the server is down, postgres-nio's pool keeps a lease request waiting for up to a
/// minute (until its circuit breaker trips), and cancelling the waiting request does not always
/// end the wait. So the operation runs in a task of its own and the caller waits only for
/// whichever comes first: the operation's result or the timeout. A three-way claim decides the
/// outcome exactly once, and an operation that gets its connection after the caller gave up
/// does not run at all: a write the caller saw fail is never applied later.
final class PoolLease<T: Sendable>: Sendable {
    struct Timeout: Error {}

    private enum Phase: Int {
        case waiting, running, finishedBeforeRunning, timedOut
    }

    private let phase = Atomic<Int>(Phase.waiting.rawValue)
    private let tasks = Mutex<(operation: Task<Void, Never>?, timer: Task<Void, Never>?)>((nil, nil))

    private func claim(_ next: Phase) -> Bool {
        phase.compareExchange(expected: Phase.waiting.rawValue, desired: next.rawValue, ordering: .acquiringAndReleasing).exchanged
    }

    private var isRunning: Bool {
        phase.load(ordering: .acquiring) == Phase.running.rawValue
    }

    static func run(
        on client: PostgresClient, logger: Logger, timeout: Duration,
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
                            return try await body(connection, logger)
                        }
                        continuation.resume(returning: result)
                    } catch {
                        // Failed while running, or before a connection came (and before the timeout).
                        if lease.isRunning || lease.claim(.finishedBeforeRunning) {
                            continuation.resume(throwing: error)
                        }
                    }
                }
                lease.tasks.withLock { $0 = (operation, timer) }
            }
        } onCancel: {
            lease.tasks.withLock { $0.operation }?.cancel()
        }
    }
}
