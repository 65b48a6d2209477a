#if canImport(Glibc)
import Glibc
#endif
import Logging
import SelfHealCore
import SelfHealSQLite

/// Opens one of the store's connections with the settings its role needs.
///
/// Each connection runs on a thread of its own (`SQLiteConnection`). A writer waiting for
/// another connection's lock sleeps on its thread in SQLite's busy handler; on a shared pool a
/// few such waiters could occupy every thread so that the connection holding the lock could no
/// longer run its `COMMIT`, and all of them would time out.
enum SQLiteConnector {
    enum Role: Sendable {
        case writer, reader
    }

    static func connect(path: String, logger: Logger, busyTimeout: Duration, role: Role) async throws -> SQLiteConnection {
        try createPrivately(path)
        let connection: SQLiteConnection
        do {
            connection = try await SQLiteConnection.open(path: path)
        } catch {
            throw StoreError(.unavailable, "cannot open SQLite database \(path): \(SQLiteStore.describe(error))")
        }
        do {
            // SQLite's own default is to fail at once when another connection holds the lock.
            try await connection.setBusyTimeout(busyTimeout)
            if role == .writer { try await setWriteAheadLogging(on: connection, within: busyTimeout) }
            for pragma in pragmas(role: role) {
                try await connection.rows(pragma)
            }
        } catch {
            await connection.close()
            throw StoreError(.unavailable, "cannot use SQLite database \(path): \(SQLiteStore.describe(error))")
        }
        return connection
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

    /// Puts the file in WAL mode. On a file other processes open at the same moment (the roles
    /// of a split deployment starting together) SQLite can refuse this at once with "database
    /// is locked": it does not wait in its busy handler for a change of journal mode, which
    /// could deadlock. So it is tried again, as the busy handler would, until `timeout`.
    static func setWriteAheadLogging(on connection: SQLiteConnection, within timeout: Duration) async throws {
        let deadline = ContinuousClock.now + timeout
        while true {
            do {
                try await connection.rows("PRAGMA journal_mode = WAL")
                return
            } catch let error as SQLiteError where error.isBusy && ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(5))
            }
        }
    }

    private static func pragmas(role: Role) -> [String] {
        var pragmas = ["PRAGMA foreign_keys = ON"]
        switch role {
        case .writer:
            // WAL (set before these by `setWriteAheadLogging`) is a property of the file;
            // setting it from the writer is enough.
            pragmas += ["PRAGMA synchronous = NORMAL"]
        case .reader:
            // A bug that sends a write to the reader fails loudly instead of escaping the transaction discipline.
            pragmas += ["PRAGMA query_only = ON"]
        }
        return pragmas
    }
}
