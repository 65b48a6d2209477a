import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

/// Bounds an async operation in time. The operation is cancelled when the time is up, and
/// must honour cancellation (AsyncHTTPClient does, body included).
enum Deadline {
    struct Exceeded: Error {}

    /// The time is kept by an event loop's timer, not by a task sleeping beside the operation:
    /// `Task.sleep` arms and disarms a Dispatch timer through Dispatch's manager thread, which
    /// woke twice per LLM call (`bench overhead`). The operation runs in a task of its own, so
    /// cancelling it at the deadline leaves the caller's task uncancelled (a retry may follow).
    static func run<T: Sendable>(within timeout: Duration, _ operation: @escaping @Sendable () async throws -> T) async throws -> T {
        let task = Task { try await operation() }
        let timedOut = NIOLockedValueBox(false)
        let timer = MultiThreadedEventLoopGroup.singleton.any().scheduleTask(in: .nanoseconds(timeout.nanoseconds)) {
            timedOut.withLockedValue { $0 = true }
            task.cancel()
        }
        defer { timer.cancel() }
        return try await withTaskCancellationHandler {
            let result = await task.result
            // An answer that came after the deadline (from an operation that did not stop
            // when cancelled) is late all the same.
            if timedOut.withLockedValue({ $0 }) { throw Exceeded() }
            return try result.get()
        } onCancel: {
            task.cancel()
        }
    }
}
