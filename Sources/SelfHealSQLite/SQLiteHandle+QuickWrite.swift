import CSQLite

/// What lets one short write run on an event loop: no lock wait, a cut between SQLite's steps,
/// and the checkpoints (which sync to disk) moved to the connection's thread.
extension SQLiteHandle {
    /// Replaces SQLite's automatic checkpoint, which runs in whichever call commits: that may
    /// be an event loop (`rowsUnlessSlow`). `checkpointIfDue` does the same work (a PASSIVE
    /// checkpoint once the log holds `checkpointPages`) on the connection's thread.
    func installWALHook() {
        sqlite3_wal_hook(connection, { context, _, _, pages in
            let handle = Unmanaged<SQLiteHandle>.fromOpaque(context!).takeUnretainedValue()
            handle.walPages = pages
            // A commit on this connection has started the log again if it was due to.
            handle.restartPending = false
            return SQLITE_OK
        }, Unmanaged.passUnretained(self).toOpaque())
    }

    /// Whether the write-ahead log has grown past `checkpointPages` since the last checkpoint.
    var checkpointDue: Bool { walPages >= Self.checkpointPages }

    /// A checkpoint when one is due. Blocks on disk: for the connection's thread only.
    func checkpointIfDue() {
        if checkpointDue { checkpoint() }
    }

    /// Copies the log back into the database file as far as no reader needs it (PASSIVE, as
    /// SQLite's automatic checkpoint does). Inside an open transaction it cannot run; it is
    /// tried again after the next commit.
    func checkpoint() {
        guard let connection else { return }
        var logged: Int32 = 0
        var copied: Int32 = 0
        guard sqlite3_wal_checkpoint_v2(connection, nil, SQLITE_CHECKPOINT_PASSIVE, &logged, &copied) == SQLITE_OK else { return }
        checkpoints += 1
        walPages = 0
        if logged > 0, logged == copied { restartPending = true }
    }

    /// Runs a statement that writes little as a transaction of its own, without waiting: not
    /// for another connection's lock, not past `deadline` (checked every 100 of SQLite's
    /// steps), not to sync the log (after a full checkpoint). Nil when it did not run or was
    /// rolled back, having written nothing; also when a transaction is open on this connection
    /// (the statement would not be its own transaction).
    ///
    /// The statement runs inside `BEGIN IMMEDIATE ... COMMIT` and the deadline covers the
    /// statement only: SQLite checks its progress handler once more after an autocommit
    /// statement has committed, and an interrupt there would report a committed write as not
    /// written.
    func rowsUnlessSlow(_ sql: String, _ binds: [SQLiteData], deadline: ContinuousClock.Instant) throws -> [SQLiteRow]? {
        guard let connection, sqlite3_get_autocommit(connection) != 0, !restartPending else { return nil }
        sqlite3_busy_timeout(connection, 0)
        defer { sqlite3_busy_timeout(connection, busyMilliseconds) }
        do {
            try rows("BEGIN IMMEDIATE", [])
        } catch let error as SQLiteError where error.isBusy {
            return nil
        }
        // A transaction is open: every way out below ends it.
        let result: [SQLiteRow]
        progressDeadline = deadline
        sqlite3_progress_handler(connection, 100, { context in
            let handle = Unmanaged<SQLiteHandle>.fromOpaque(context!).takeUnretainedValue()
            guard let deadline = handle.progressDeadline else { return 0 }
            return ContinuousClock.now > deadline ? 1 : 0
        }, Unmanaged.passUnretained(self).toOpaque())
        do {
            result = try rows(sql, binds)
            stopProgressHandler()
            try rows("COMMIT", [])
        } catch {
            stopProgressHandler()
            // After some errors SQLite has rolled back already; then this only says no
            // transaction is open.
            _ = try? rows("ROLLBACK", [])
            if let error = error as? SQLiteError, error.isBusy || error.primaryCode == SQLITE_INTERRUPT {
                return nil
            }
            throw error
        }
        return result
    }

    private func stopProgressHandler() {
        sqlite3_progress_handler(connection, 0, nil, nil)
        progressDeadline = nil
    }
}
