#if canImport(Glibc)
import Glibc
#endif
import Logging
import SQLiteNIO
import SelfHealCore

/// One open SQLite connection with the thread it runs on.
///
/// Each connection gets a thread pool of its own instead of sqlite-nio's shared singleton
/// (as many threads as cores). A writer waiting for another connection's lock sleeps on its
/// thread in SQLite's busy handler; on a shared pool a few such waiters occupy every thread and
/// the connection holding the lock can no longer run its `COMMIT`, so all of them time out.
struct SQLiteConnector: Sendable {
    enum Role: Sendable {
        case writer, reader
    }

    let connection: SQLiteConnection
    private let pool: NIOThreadPool

    static func connect(path: String, logger: Logger, busyTimeout: Duration, role: Role) async throws -> SQLiteConnector {
        try createPrivately(path)
        let pool = NIOThreadPool(numberOfThreads: 1)
        pool.start()
        let connection: SQLiteConnection
        do {
            connection = try await SQLiteConnection.open(
                storage: .file(path: path), threadPool: pool, logger: logger, on: MultiThreadedEventLoopGroup.singleton.any()
            )
        } catch {
            try? await pool.shutdownGracefully()
            throw StoreError(.unavailable, "cannot open SQLite database \(path): \(SQLiteStore.describe(error))")
        }
        let opened = SQLiteConnector(connection: connection, pool: pool)
        do {
            for pragma in pragmas(busyTimeout: busyTimeout, role: role) {
                _ = try await connection.rows(pragma)
            }
        } catch {
            await opened.close()
            throw StoreError(.unavailable, "cannot use SQLite database \(path): \(SQLiteStore.describe(error))")
        }
        return opened
    }

    /// Creates the database file readable by its owner alone (0600) before SQLite opens it:
    /// it holds every prompt, input and output, and SQLite would create it 0644. SQLite gives
    /// its `-wal` and `-shm` files the database file's mode, so they are private too. An
    /// existing file keeps the mode its operator gave it.
    static func createPrivately(_ path: String) throws {
        guard path != ":memory:", !path.isEmpty else { return }
        let descriptor = Glibc.open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        if descriptor >= 0 {
            Glibc.close(descriptor)
            return
        }
        let code = errno
        guard code == EEXIST else {
            throw StoreError(.unavailable, "cannot create SQLite database \(path): \(String(cString: strerror(code)))")
        }
    }

    /// How long a statement waits for another connection's lock. PRAGMA values cannot be
    /// bound as parameters; this is an integer.
    static func busyTimeoutPragma(_ timeout: Duration) -> String {
        let (seconds, attoseconds) = timeout.components
        return "PRAGMA busy_timeout = \(seconds * 1_000 + attoseconds / 1_000_000_000_000_000)"
    }

    private static func pragmas(busyTimeout: Duration, role: Role) -> [String] {
        // PRAGMA values cannot be bound as parameters; these are integers and constants.
        var pragmas = [
            // Replaces sqlite-nio's busy handler, which retries without sleeping and without limit.
            busyTimeoutPragma(busyTimeout),
            "PRAGMA foreign_keys = ON",
        ]
        switch role {
        case .writer:
            // WAL is a property of the file; setting it from the writer is enough.
            pragmas += ["PRAGMA journal_mode = WAL", "PRAGMA synchronous = NORMAL"]
        case .reader:
            // A bug that sends a write to the reader fails loudly instead of escaping the transaction discipline.
            pragmas += ["PRAGMA query_only = ON"]
        }
        return pragmas
    }

    /// Closes the connection, then stops its thread. Errors are reported by the caller's own
    /// close path; here there is nothing left to do with them.
    func close() async {
        try? await connection.close()
        try? await pool.shutdownGracefully()
    }
}

extension SQLiteConnection {
    /// The rows of one statement, run on the connection's thread, the calling task resuming
    /// straight from there. sqlite-nio's `query(_:_:) -> [SQLiteRow]` goes through its futures:
    /// a task handed to the connection's event loop per row, then the end on that loop, then
    /// the task resumed: two threads woken where one is enough.
    func rows(_ sql: String, _ binds: [SQLiteData] = []) async throws -> [SQLiteRow] {
        // Appended on the connection's thread before the task resumes, as sqlite-nio does.
        nonisolated(unsafe) var rows: [SQLiteRow] = []
        try await query(sql, binds) { rows.append($0) }
        return rows
    }
}
