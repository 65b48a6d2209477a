import Foundation
public import Logging
import SelfHealSQLite
public import SelfHealCore
import Synchronization

/// The store on one SQLite file: the embedded default, and enough for a single node.
///
/// It holds two connections. `writer` runs every write inside `BEGIN IMMEDIATE ... COMMIT` (or,
/// for a write of one statement that reads nothing first, in that statement's own transaction),
/// one task at a time (see `ConnectionGate`): a connection cannot interleave two transactions.
/// `reader` serves single-statement reads; in WAL mode they see the last committed state and
/// never wait for a writer. Other processes may open the same file: `BEGIN IMMEDIATE` and the
/// busy timeout make their writers take turns instead of failing.
///
/// Call `migrate()` before first use and `close()` when done: it stops the connections' threads.
public final class SQLiteStore: Store {
    /// How long a statement waits for another connection's lock before reporting the file as unavailable.
    static let defaultBusyTimeout = Duration.seconds(5)

    /// The file, as given to `open`; every error message names it.
    public let path: String
    let logger: Logger
    let busyTimeout: Duration
    let writer: SQLiteConnection
    let reader: SQLiteConnection
    let gate = ConnectionGate()
    private let isClosed = Mutex(false)
    /// The live prompt per task type, so a request does not query for it (see `LivePromptCache`).
    let livePrompts: LivePromptCache

    private init(
        path: String, logger: Logger, busyTimeout: Duration, writer: SQLiteConnection, reader: SQLiteConnection
    ) {
        self.path = path
        self.logger = logger
        self.busyTimeout = busyTimeout
        self.writer = writer
        self.reader = reader
        livePrompts = LivePromptCache(marker: path == ":memory:" ? nil : PromptChangeMarker(path: path + "-prompts"))
    }

    /// Opens (creating if needed) the database file in WAL mode with foreign keys on.
    /// Does not migrate: call `migrate()` next.
    public static func open(path: String, logger: Logger) async throws -> SQLiteStore {
        try await open(path: path, logger: logger, busyTimeout: defaultBusyTimeout)
    }

    /// `busyTimeout` is shorter in tests that provoke a lock timeout.
    static func open(path: String, logger: Logger, busyTimeout: Duration) async throws -> SQLiteStore {
        guard !path.isEmpty else {
            throw StoreError(.invalid, "SQLite database path is empty")
        }
        let writer = try await SQLiteConnector.connect(path: path, logger: logger, busyTimeout: busyTimeout, role: .writer)
        let reader: SQLiteConnection
        do {
            reader = try await SQLiteConnector.connect(path: path, logger: logger, busyTimeout: busyTimeout, role: .reader)
        } catch {
            await writer.close()
            throw error
        }
        logger.debug("Opened SQLite store", metadata: ["store.path": "\(path)"])
        return SQLiteStore(path: path, logger: logger, busyTimeout: busyTimeout, writer: writer, reader: reader)
    }

    public func ping() async throws {
        _ = try await read("checking the database") { db in
            try await db.rows("SELECT count(*) FROM sqlite_schema")
        }
    }

    public func close() async throws {
        let alreadyClosed = isClosed.withLock { closed in
            defer { closed = true }
            return closed
        }
        guard !alreadyClosed else { return }
        // Waits for a transaction in flight to finish rather than cutting it off.
        await gate.acquire()
        await reader.close()
        await writer.close()
        await gate.release()
        logger.debug("Closed SQLite store", metadata: ["store.path": "\(path)"])
    }

    // MARK: running statements

    /// Runs `body` in one `BEGIN IMMEDIATE` transaction on the writer connection, committing when
    /// it returns and rolling back when it throws. `operation` completes "... failed while ___".
    func write<T>(_ operation: String, _ body: (SQLiteConnection) async throws -> T) async throws -> T {
        try await withWriter(operation) { try await inTransaction(body) }
    }

    /// Runs one statement on the writer connection as a transaction of its own (SQLite's
    /// autocommit): two statements and two trips to the connection's thread fewer than `write`,
    /// for a write that reads nothing first.
    func writeOne<T>(_ operation: String, _ statement: (SQLiteConnection) async throws -> T) async throws -> T {
        try await withWriter(operation) { try await statement(writer) }
    }

    /// The writer connection for this task alone (`gate`), while the store is open.
    private func withWriter<T>(_ operation: String, _ body: () async throws -> T) async throws -> T {
        try checkOpen()
        await gate.acquire()
        do {
            // `close()` may have run while this task waited for the gate.
            try checkOpen()
            let result = try await body()
            await gate.release()
            return result
        } catch {
            await gate.release()
            throw storeError(error, while: operation)
        }
    }

    private func inTransaction<T>(_ body: (SQLiteConnection) async throws -> T) async throws -> T {
        // IMMEDIATE takes the write lock up front (waiting out other processes) so the reads a
        // transaction makes cannot be invalidated by another writer before it writes.
        _ = try await writer.rows("BEGIN IMMEDIATE")
        do {
            let result = try await body(writer)
            _ = try await writer.rows("COMMIT")
            return result
        } catch {
            // After some errors (disk full, I/O) SQLite has already rolled back; then ROLLBACK
            // only reports that no transaction is open, which adds nothing to the first error.
            _ = try? await writer.rows("ROLLBACK")
            throw error
        }
    }

    /// Runs a read on the reader connection. Keep `body` to one statement: the reader is shared
    /// by concurrent tasks, so two statements are not one snapshot.
    func read<T>(_ operation: String, _ body: (SQLiteConnection) async throws -> T) async throws -> T {
        try checkOpen()
        do {
            return try await body(reader)
        } catch {
            throw storeError(error, while: operation)
        }
    }

    private func checkOpen() throws {
        if isClosed.withLock({ $0 }) {
            throw StoreError(.unavailable, "SQLite store \(path) is closed")
        }
    }

    /// Gives an error the context a caller or operator needs; raw SQLite errors never escape.
    func storeError(_ error: any Error, while operation: String) -> StoreError {
        if let error = error as? StoreError {
            return error
        }
        guard let error = error as? SQLiteError else {
            return StoreError(.unavailable, "SQLite database \(path) failed while \(operation): \(error)")
        }
        if error.isBusy {
            return StoreError(
                .unavailable,
                "SQLite database \(path) stayed locked by another connection (\(error.reason)) while \(operation); waited up to \(busyTimeout)"
            )
        }
        if error.isConstraint {
            return StoreError(.conflict, "\(operation) was refused by the database: \(error.message)")
        }
        // The usual cause of a missing table is a caller that skipped `migrate()`.
        let hint = error.message.hasPrefix("no such table") ? " (has migrate() run?)" : ""
        return StoreError(.unavailable, "SQLite database \(path) failed while \(operation): \(error.message)\(hint)")
    }

    static func describe(_ error: any Error) -> String {
        (error as? SQLiteError)?.message ?? "\(error)"
    }
}
