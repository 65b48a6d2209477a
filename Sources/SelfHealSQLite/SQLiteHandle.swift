import CSQLite

/// One open `sqlite3` connection and its prepared statements, used from one thread at a time
/// (`SQLiteConnection` holds it under a lock). Not thread-safe by itself: it is opened with
/// `SQLITE_OPEN_NOMUTEX`, so SQLite does not lock for it either.
final class SQLiteHandle {
    /// Statements kept prepared, by their SQL. A request writes its log row with the same
    /// INSERT every time; preparing it anew each time was a fifth of the statement's CPU.
    private var cache: [String: OpaquePointer] = [:]
    private var connection: OpaquePointer?
    /// Enough for every fixed statement the store runs. SQL built per call (a bulk INSERT of
    /// N rows) is longer than `cachedLength` and is finalized after its run.
    static let cacheCapacity = 64
    static let cachedLength = 4096
    /// WAL pages after which a commit is followed by a checkpoint: SQLite's own default.
    static let checkpointPages: Int32 = 1000

    /// How long a statement waits for another connection's lock, in milliseconds.
    private(set) var busyMilliseconds: Int32 = 0
    /// Pages in the write-ahead log after the last commit (SQLite's WAL hook sets it).
    fileprivate(set) var walPages: Int32 = 0
    /// Until when a statement run by `rowsUnlessSlow` may run (SQLite's progress handler reads it).
    fileprivate var progressDeadline: ContinuousClock.Instant?

    init(path: String) throws {
        var opened: OpaquePointer?
        let flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX
        let code = sqlite3_open_v2(path, &opened, flags, nil)
        guard code == SQLITE_OK else {
            let error = SQLiteError(code: code, connection: opened)
            // A failed open still allocates a handle, which must be closed.
            sqlite3_close_v2(opened)
            throw error
        }
        sqlite3_extended_result_codes(opened, 1)
        connection = opened
        // Replaces SQLite's automatic checkpoint, which runs in whichever call commits: that
        // may be an event loop (`rowsUnlessSlow`), and a checkpoint syncs the file to disk.
        // `checkpointIfDue` does the same work on the connection's thread.
        sqlite3_wal_hook(opened, { context, _, _, pages in
            Unmanaged<SQLiteHandle>.fromOpaque(context!).takeUnretainedValue().walPages = pages
            return SQLITE_OK
        }, Unmanaged.passUnretained(self).toOpaque())
    }

    func setBusyTimeout(milliseconds: Int32) {
        busyMilliseconds = milliseconds
        sqlite3_busy_timeout(connection, milliseconds)
    }

    /// Whether the write-ahead log has grown past `checkpointPages` since the last checkpoint.
    var checkpointDue: Bool { walPages >= Self.checkpointPages }

    /// Copies the log back into the database file as far as no reader needs it (PASSIVE, as
    /// SQLite's automatic checkpoint does), when it is due. Blocks on disk: not for a loop.
    func checkpointIfDue() {
        guard checkpointDue, let connection else { return }
        sqlite3_wal_checkpoint_v2(connection, nil, SQLITE_CHECKPOINT_PASSIVE, nil, nil)
        walPages = 0
    }

    /// Runs a statement in a transaction of its own without waiting: not for another
    /// connection's lock and not past `deadline` (checked between SQLite's steps). Nil when it
    /// could not, having written nothing: the lock was held, the deadline passed, or a
    /// transaction is open on this connection (then the statement is not its own transaction).
    func rowsUnlessSlow(_ sql: String, _ binds: [SQLiteData], deadline: ContinuousClock.Instant) throws -> [SQLiteRow]? {
        guard let connection, sqlite3_get_autocommit(connection) != 0 else { return nil }
        sqlite3_busy_timeout(connection, 0)
        progressDeadline = deadline
        sqlite3_progress_handler(connection, 1000, { context in
            let handle = Unmanaged<SQLiteHandle>.fromOpaque(context!).takeUnretainedValue()
            guard let deadline = handle.progressDeadline else { return 0 }
            return ContinuousClock.now > deadline ? 1 : 0
        }, Unmanaged.passUnretained(self).toOpaque())
        defer {
            sqlite3_progress_handler(connection, 0, nil, nil)
            progressDeadline = nil
            sqlite3_busy_timeout(connection, busyMilliseconds)
        }
        do {
            return try rows(sql, binds)
        } catch let error as SQLiteError where error.isBusy || error.primaryCode == SQLITE_INTERRUPT {
            // The statement was rolled back whole: nothing of it was written.
            return nil
        }
    }

    deinit { close() }

    var isOpen: Bool { connection != nil }

    /// Finalizes every statement and closes the connection. Safe to call twice.
    func close() {
        for statement in cache.values {
            sqlite3_finalize(statement)
        }
        cache.removeAll()
        if let connection {
            // `_v2`: should a statement still be live, the connection closes once it is finalized.
            sqlite3_close_v2(connection)
        }
        connection = nil
    }

    /// Runs one statement with `binds` for its `?` parameters and returns every row it yields
    /// (a write's `RETURNING` rows, or none).
    func rows(_ sql: String, _ binds: [SQLiteData]) throws -> [SQLiteRow] {
        guard let connection else {
            throw SQLiteError(code: SQLITE_MISUSE, message: "the connection is closed")
        }
        let (statement, cached) = try prepare(sql, on: connection)
        defer {
            if cached {
                sqlite3_reset(statement)
                sqlite3_clear_bindings(statement)
            } else {
                sqlite3_finalize(statement)
            }
        }
        try bind(binds, to: statement, on: connection)
        var rows: [SQLiteRow] = []
        var columns: SQLiteColumns?
        while true {
            let code = sqlite3_step(statement)
            if code == SQLITE_DONE {
                return rows
            }
            guard code == SQLITE_ROW else {
                throw SQLiteError(code: code, connection: connection)
            }
            let names = columns ?? Self.columns(of: statement)
            columns = names
            rows.append(SQLiteRow(columns: names, values: Self.values(of: statement, count: names.names.count)))
        }
    }

    private func prepare(_ sql: String, on connection: OpaquePointer) throws -> (OpaquePointer, cached: Bool) {
        if let statement = cache[sql] {
            return (statement, true)
        }
        let keep = sql.utf8.count <= Self.cachedLength && cache.count < Self.cacheCapacity
        var statement: OpaquePointer?
        var more = false
        let code = sql.withCString { text in
            var tail: UnsafePointer<CChar>?
            let result = sqlite3_prepare_v3(connection, text, -1, keep ? UInt32(SQLITE_PREPARE_PERSISTENT) : 0, &statement, &tail)
            if result == SQLITE_OK, let tail {
                more = Self.hasMoreSQL(tail)
            }
            return result
        }
        guard code == SQLITE_OK else {
            let error = SQLiteError(code: code, connection: connection)
            sqlite3_finalize(statement)
            throw error
        }
        guard let statement else {
            throw SQLiteError(code: SQLITE_MISUSE, message: "no statement in: \(sql.prefix(120))")
        }
        // A second statement in the string would be silently skipped: refuse it instead.
        if more {
            sqlite3_finalize(statement)
            throw SQLiteError(code: SQLITE_MISUSE, message: "more than one statement in one call: \(sql.prefix(120))")
        }
        if keep {
            cache[sql] = statement
        }
        return (statement, keep)
    }

    /// Whether anything but white space and a final `;` follows the first statement.
    private static func hasMoreSQL(_ tail: UnsafePointer<CChar>) -> Bool {
        var cursor = tail
        while cursor.pointee != 0 {
            switch UInt8(bitPattern: cursor.pointee) {
            case UInt8(ascii: " "), UInt8(ascii: "\n"), UInt8(ascii: "\t"), UInt8(ascii: "\r"), UInt8(ascii: ";"):
                cursor += 1
            default:
                return true
            }
        }
        return false
    }

    private func bind(_ binds: [SQLiteData], to statement: OpaquePointer, on connection: OpaquePointer) throws {
        let expected = Int(sqlite3_bind_parameter_count(statement))
        guard binds.count == expected else {
            throw SQLiteError(
                code: SQLITE_RANGE, message: "the statement has \(expected) parameters, \(binds.count) values were given"
            )
        }
        for (offset, value) in binds.enumerated() {
            let position = Int32(offset + 1)
            let code: Int32
            switch value {
            case .integer(let number):
                code = sqlite3_bind_int64(statement, position, number)
            case .float(let number):
                code = sqlite3_bind_double(statement, position, number)
            case .text(var text):
                code = text.withUTF8 { bytes in
                    // An empty buffer may have no address, and a null pointer would bind NULL.
                    guard let base = bytes.baseAddress, !bytes.isEmpty else {
                        return sqlite3_bind_text(statement, position, "", 0, shim_sqlite_transient())
                    }
                    return base.withMemoryRebound(to: CChar.self, capacity: bytes.count) { characters in
                        sqlite3_bind_text64(
                            statement, position, characters, sqlite3_uint64(bytes.count), shim_sqlite_transient(),
                            UInt8(SQLITE_UTF8)
                        )
                    }
                }
            case .blob(let bytes):
                code = bytes.withUnsafeBytes { raw in
                    guard let base = raw.baseAddress, !raw.isEmpty else {
                        return sqlite3_bind_zeroblob(statement, position, 0)
                    }
                    return sqlite3_bind_blob64(statement, position, base, sqlite3_uint64(raw.count), shim_sqlite_transient())
                }
            case .null:
                code = sqlite3_bind_null(statement, position)
            }
            guard code == SQLITE_OK else {
                throw SQLiteError(code: code, connection: connection)
            }
        }
    }

    private static func columns(of statement: OpaquePointer) -> SQLiteColumns {
        let count = sqlite3_column_count(statement)
        return SQLiteColumns(names: (0..<count).map { column in
            sqlite3_column_name(statement, column).map { String(cString: $0) } ?? ""
        })
    }

    private static func values(of statement: OpaquePointer, count: Int) -> [SQLiteData] {
        (0..<Int32(count)).map { column in
            switch sqlite3_column_type(statement, column) {
            case SQLITE_INTEGER:
                return .integer(sqlite3_column_int64(statement, column))
            case SQLITE_FLOAT:
                return .float(sqlite3_column_double(statement, column))
            case SQLITE_TEXT:
                // The pointer first, then the length, as SQLite's documentation asks.
                guard let text = sqlite3_column_text(statement, column) else { return .text("") }
                let length = Int(sqlite3_column_bytes(statement, column))
                return .text(String(decoding: UnsafeBufferPointer(start: text, count: length), as: UTF8.self))
            case SQLITE_BLOB:
                guard let blob = sqlite3_column_blob(statement, column) else { return .blob([]) }
                let length = Int(sqlite3_column_bytes(statement, column))
                return .blob(Array(UnsafeRawBufferPointer(start: blob, count: length)))
            default:
                return .null
            }
        }
    }
}
