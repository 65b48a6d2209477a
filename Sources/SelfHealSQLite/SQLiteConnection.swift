import CSQLite
import NIOCore
import NIOPosix
import Synchronization

/// One SQLite connection on a thread of its own.
///
/// SQLite blocks its caller (on disk, on another connection's lock for up to the busy
/// timeout), so statements run on the connection's own thread, never on Swift's cooperative
/// pool, one at a time in the order they were asked for. A thread per connection rather than a
/// shared pool: a writer sleeping in SQLite's busy handler must not hold a thread another
/// connection needs to finish the transaction it waits for. The one exception is
/// `rowsOnLoopIfQuick`, for the short write every request makes; it may run before statements
/// already queued for the thread (the store's writer never has any queued: one task at a time).
///
/// A statement that has been handed to the thread runs to its end even if the calling task is
/// cancelled: a write the caller gave up on is still either committed or rolled back whole.
public final class SQLiteConnection: Sendable {
    /// The file, as opened.
    public let path: String
    /// Nil once closed. The lock is what makes the handle safe to reach from the thread.
    private let handle: Mutex<SQLiteHandle?>
    private let thread: NIOThreadPool
    private let quick: QuickWriteGate
    /// A checkpoint has been handed to the thread and has not run yet.
    private let checkpointQueued = Atomic<Bool>(false)

    private init(path: String, thread: NIOThreadPool, quick: QuickWriteGate) {
        self.path = path
        self.handle = Mutex(nil)
        self.thread = thread
        self.quick = quick
    }

    /// Opens `path` (creating it if missing; `:memory:` for a private in-memory database).
    /// `quickWrites`: how `rowsOnLoopIfQuick` decides (tests shorten it).
    public static func open(path: String, quickWrites: QuickWriteGate = QuickWriteGate()) async throws -> SQLiteConnection {
        let thread = NIOThreadPool(numberOfThreads: 1)
        thread.start()
        let connection = SQLiteConnection(path: path, thread: thread, quick: quickWrites)
        do {
            try await connection.onThread { handle in
                handle = try SQLiteHandle(path: path)
            }
        } catch {
            try? await thread.shutdownGracefully()
            throw error
        }
        return connection
    }

    /// How long a statement waits for another connection's lock before failing as busy.
    public func setBusyTimeout(_ timeout: Duration) async throws {
        let milliseconds = Int32(clamping: timeout.components.seconds * 1_000 + timeout.components.attoseconds / 1_000_000_000_000_000)
        try await onThread { handle in
            try Self.open(handle, self.path).setBusyTimeout(milliseconds: milliseconds)
        }
    }

    /// Runs one statement (`?` parameters bound from `binds`) and returns its rows.
    @discardableResult
    public func rows(_ sql: String, _ binds: [SQLiteData] = []) async throws -> [SQLiteRow] {
        try await onThread { handle in
            let open = try Self.open(handle, self.path)
            defer { open.checkpointIfDue() }
            return try open.rows(sql, binds)
        }
    }

    /// Runs a statement that writes little (a row) as a transaction of its own (none may be
    /// open on this connection) on the calling event loop when it can be quick, else as `rows`.
    ///
    /// Handing a statement to the connection's thread and back wakes two threads, which cost
    /// more CPU than the INSERT of a log row itself. On the loop the statement waits for
    /// nothing SQLite lets us avoid: not for another connection's lock (it goes to the thread,
    /// which waits as usual), not past `QuickWriteGate.cut` between SQLite's steps (it is
    /// rolled back and goes to the thread), not for a checkpoint (those run on the thread),
    /// not to sync the log's header (the first write after a full checkpoint goes to the
    /// thread). What remains is the write to the log file, which with `synchronous = NORMAL`
    /// is not synced; and what no bound reaches: a disk read of a page not cached, SQLite's
    /// short retries when another process is checkpointing, recovery of a log another process
    /// left. A statement that took long sends the next ones to the thread for a while.
    @discardableResult
    public func rowsOnLoopIfQuick(_ sql: String, _ binds: [SQLiteData] = []) async throws -> [SQLiteRow] {
        if MultiThreadedEventLoopGroup.currentEventLoop != nil, let rows = try quickAttempt(sql, binds) {
            return rows
        }
        return try await rows(sql, binds)
    }

    /// The statement run on the calling thread if it is quick (see `rowsOnLoopIfQuick`); nil
    /// when it was not run or was rolled back, so it is the thread's to run.
    func quickAttempt(_ sql: String, _ binds: [SQLiteData]) throws -> [SQLiteRow]? {
        guard quick.allows() else { return nil }
        let started = ContinuousClock.now
        // The thread may be running a statement (or a checkpoint): never wait for it here.
        let attempt = handle.withLockIfAvailable { handle -> (Result<[SQLiteRow]?, any Error>, checkpoint: Bool) in
            guard let handle else { return (.success(nil), false) }
            let result = Result { try handle.rowsUnlessSlow(sql, binds, deadline: started + quick.cut) }
            return (result, handle.checkpointDue)
        }
        if ContinuousClock.now - started > quick.cut { quick.tookLong() }
        guard let attempt else { return nil }
        if attempt.checkpoint { scheduleCheckpoint() }
        return try attempt.0.get()
    }

    /// Closes the connection, then stops its thread. Statements already asked for run first.
    public func close() async {
        try? await onThread { handle in
            handle?.close()
            handle = nil
        }
        try? await thread.shutdownGracefully()
    }

    /// A checkpoint on the thread, once: never on a loop, and never from under the lock (a
    /// stopped pool runs what is submitted on the caller's thread).
    private func scheduleCheckpoint() {
        guard checkpointQueued.compareExchange(expected: false, desired: true, ordering: .relaxed).exchanged else { return }
        thread.submit { state in
            self.checkpointQueued.store(false, ordering: .relaxed)
            guard case .active = state else { return }
            self.handle.withLock { $0?.checkpointIfDue() }
        }
    }

    /// A checkpoint now, due or not, and the number run so far (for tests).
    @discardableResult
    func checkpoint() async throws -> Int {
        try await onThread { handle in
            let open = try Self.open(handle, self.path)
            open.checkpoint()
            return open.checkpoints
        }
    }

    /// Checkpoints run so far (for tests).
    func checkpointCount() async throws -> Int {
        try await onThread { handle in try Self.open(handle, self.path).checkpoints }
    }

    private static func open(_ handle: SQLiteHandle?, _ path: String) throws -> SQLiteHandle {
        guard let handle else { throw closed(path) }
        return handle
    }

    private static func closed(_ path: String) -> SQLiteError {
        SQLiteError(code: SQLITE_MISUSE, message: "the connection to \(path) is closed")
    }

    /// Runs `body` on the connection's thread with the handle. The caller resumes on its own
    /// event loop when it is on one (from the thread, Swift would hand it to any loop).
    /// Not cancellable on purpose (see the type's comment); NIO's `runIfActive` would drop a
    /// statement still queued when its task is cancelled.
    private func onThread<T: Sendable>(_ body: @escaping @Sendable (inout SQLiteHandle?) throws -> T) async throws -> T {
        let loop = MultiThreadedEventLoopGroup.currentEventLoop ?? MultiThreadedEventLoopGroup.singleton.any()
        let promise = loop.makePromise(of: T.self)
        thread.submit { state in
            guard case .active = state else { return promise.fail(Self.closed(self.path)) }
            promise.completeWith(Result { try self.handle.withLock { try body(&$0) } })
        }
        return try await promise.futureResult.get()
    }
}
