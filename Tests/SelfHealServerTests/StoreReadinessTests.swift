import Logging
@testable import SelfHealCommands
import ServiceLifecycle
import Synchronization
import Testing

/// A serving role prepares its store inside its service group; the optimizer loop, which reads
/// the store from its first moment, waits for that.
@Suite("Services that need the store wait until it is prepared")
struct StoreReadinessTests {
    /// Counts its runs, then waits for the group to stop.
    final class Probe: Service {
        let runs = Mutex(0)
        func run() async throws {
            runs.withLock { $0 += 1 }
            try? await gracefulShutdown()
        }
    }

    @Test("a guarded service starts once the store is ready", .timeLimit(.minutes(1)))
    func startsWhenReady() async throws {
        let readiness = StoreReadiness()
        let probe = Probe()
        let group = ServiceGroup(services: [readiness.guarding(probe)], logger: quietLogger)
        let running = Task { try await group.run() }
        try await Task.sleep(for: .milliseconds(100))
        #expect(probe.runs.withLock { $0 } == 0)
        readiness.open()
        while probe.runs.withLock({ $0 }) == 0 { try await Task.sleep(for: .milliseconds(10)) }
        await group.triggerGracefulShutdown()
        try await running.value
        #expect(probe.runs.withLock { $0 } == 1)
    }

    @Test("a group that stops before the store was ready never starts it, and does not hang", .timeLimit(.minutes(1)))
    func neverStartsWhenStoppedFirst() async throws {
        let readiness = StoreReadiness()
        let probe = Probe()
        let group = ServiceGroup(services: [readiness.guarding(probe)], logger: quietLogger)
        let running = Task { try await group.run() }
        try await Task.sleep(for: .milliseconds(100))
        await group.triggerGracefulShutdown()
        try await running.value
        #expect(probe.runs.withLock { $0 } == 0)

        // Cancelled (a failed preparation cancels the group): the wait returns at once.
        let waiting = Task { await readiness.wait() }
        waiting.cancel()
        await waiting.value
    }
}
