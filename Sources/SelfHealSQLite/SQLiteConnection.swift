import CSQLite
import NIOPosix
import Synchronization

/// One SQLite connection on a thread of its own.
///
/// SQLite blocks its caller (on disk, on another connection's lock for up to the busy
/// timeout), so statements run on the connection's own thread, never on an event loop or
/// Swift's cooperative pool, and one at a time in the order they were asked for. A thread per
/// connection rather than a shared pool: a writer sleeping in SQLite's busy handler must not
/// hold a thread another connection needs to finish the transaction it waits for.
///
/// A statement that has been handed to the thread runs to its end even if the calling task is
/// cancelled: a write the caller gave up on is still either committed or rolled back whole.
public final class SQLiteConnection: Sendable {
    /// The file, as opened.
    public let path: String
    /// Nil once closed. The lock is what makes the handle safe to reach from the thread.
    private let handle: Mutex<SQLiteHandle?>
    private let thread: NIOThreadPool

    private init(path: String, thread: NIOThreadPool) {
        self.path = path
        self.handle = Mutex(nil)
        self.thread = thread
    }

    /// Opens `path` (creating it if missing; `:memory:` for a private in-memory database).
    public static func open(path: String) async throws -> SQLiteConnection {
        let thread = NIOThreadPool(numberOfThreads: 1)
        thread.start()
        let connection = SQLiteConnection(path: path, thread: thread)
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

    /// Runs one statement (`?` parameters bound from `binds`) and returns its rows.
    @discardableResult
    public func rows(_ sql: String, _ binds: [SQLiteData] = []) async throws -> [SQLiteRow] {
        try await onThread { handle in
            guard let handle else {
                throw SQLiteError(code: SQLITE_MISUSE, message: "the connection to \(self.path) is closed")
            }
            return try handle.rows(sql, binds)
        }
    }

    /// Closes the connection, then stops its thread. Statements already asked for run first.
    public func close() async {
        try? await onThread { handle in
            handle?.close()
            handle = nil
        }
        try? await thread.shutdownGracefully()
    }

    /// Runs `body` on the connection's thread with the handle, resuming the caller from there.
    /// Not cancellable on purpose (see the type's comment); NIO's `runIfActive` would drop a
    /// statement still queued when its task is cancelled.
    private func onThread<T: Sendable>(_ body: @escaping @Sendable (inout SQLiteHandle?) throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            thread.submit { state in
                switch state {
                case .active:
                    continuation.resume(with: Result { try self.handle.withLock { try body(&$0) } })
                case .cancelled:
                    continuation.resume(throwing: SQLiteError(code: SQLITE_MISUSE, message: "the connection to \(self.path) is closed"))
                }
            }
        }
    }
}
