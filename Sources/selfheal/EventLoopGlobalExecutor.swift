import CGlobalExecutorHook
import NIOCore
import NIOPosix

/// Makes NIO's event loops Swift Concurrency's global executor, running each job as Swift's
/// own pool would: on the generic executor (no actor, no task executor).
///
/// Why not NIO's `unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor`:
/// it runs every job with the event loop as the job's serial executor. A nonisolated async
/// function must run on the generic executor, so each call into one (and each return) left the
/// loop "executor" and queued the task on the loop again: `bench overhead` counted about 120
/// such round trips through the loop's task queue per `/api/v1/request`. Run on the generic
/// executor, those calls stay on the thread.
enum EventLoopGlobalExecutor {
    /// The runtime's hook: the job, and the function it would have called without the hook.
    private typealias EnqueueHook = @convention(thin) (UnownedJob, @convention(thin) (UnownedJob) -> Void) -> Void

    /// Installs the hook unless one is already there. Call before any task starts.
    static func install() -> Bool {
        guard let slot = selfheal_enqueue_global_hook_slot(), slot.pointee == nil else { return false }
        let hook: EnqueueHook = { job, _ in
            // `any()` is the current loop when called on one of the group's threads.
            MultiThreadedEventLoopGroup.singleton.any().execute { runOnGenericExecutor(job, genericExecutor) }
        }
        slot.pointee = unsafeBitCast(hook, to: UnsafeMutableRawPointer.self)
        return true
    }
}

/// The runtime's `swift_job_run(job, executor)`.
@_silgen_name("swift_job_run")
private func runOnGenericExecutor(_ job: UnownedJob, _ executor: UnownedSerialExecutor)

/// The runtime spells the generic executor as an executor reference of two zero words.
private let genericExecutor: UnownedSerialExecutor = {
    precondition(MemoryLayout<UnownedSerialExecutor>.size == 2 * MemoryLayout<UInt>.size)
    return unsafeBitCast((UInt(0), UInt(0)), to: UnownedSerialExecutor.self)
}()
