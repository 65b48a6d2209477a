import Synchronization
import ServiceLifecycle

/// Opens once the store is reachable, migrated and seeded. A serving role prepares its store
/// inside its service group (the group runs PostgreSQL's pool), so services that read the store
/// from their first moment (the optimizer loop) wait here instead of racing the migration.
final class StoreReadiness: Sendable {
    private struct State {
        var isOpen = false
        var waiters: [Int: CheckedContinuation<Void, Never>] = [:]
        var nextId = 0
    }

    private let state = Mutex(State())

    func open() {
        let waiters = state.withLock { state in
            state.isOpen = true
            defer { state.waiters = [:] }
            return Array(state.waiters.values)
        }
        for waiter in waiters { waiter.resume() }
    }

    /// Returns when the store is ready, or at once when the task is cancelled (the group stops
    /// before the store was ready, e.g. because preparing it failed): check cancellation after.
    func wait() async {
        let id = state.withLock { state in
            defer { state.nextId += 1 }
            return state.nextId
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let resumeNow = state.withLock { state in
                    if state.isOpen || Task.isCancelled { return true }
                    state.waiters[id] = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            state.withLock { $0.waiters.removeValue(forKey: id) }?.resume()
        }
    }

    /// `service`, started once the store is ready; never started when the group stops first.
    func guarding(_ service: any Service) -> any Service {
        Guarded(readiness: self, service: service)
    }

    private struct Guarded: Service {
        let readiness: StoreReadiness
        let service: any Service

        func run() async throws {
            try await cancelWhenGracefulShutdown { await readiness.wait() }
            guard !Task.isCancelled, !Task.isShuttingDownGracefully else { return }
            try await service.run()
        }
    }
}
