import CSQLite

/// One open `sqlite3` connection and its prepared statements, used from one thread at a time
/// (`SQLiteConnection` holds it under a lock). Not thread-safe by itself: it is opened with
/// `SQLITE_OPEN_NOMUTEX`, so SQLite does not lock for it either.
final class SQLiteHandle {
    private var cache = StatementCache()
    private(set) var connection: OpaquePointer?
    /// WAL pages after which a commit is followed by a checkpoint: SQLite's own default.
    static let checkpointPages: Int32 = 1000

    /// How long a statement waits for another connection's lock, in milliseconds.
    var busyMilliseconds: Int32 = 0
    /// Pages in the write-ahead log after the last commit on this connection (the WAL hook).
    var walPages: Int32 = 0
    /// A checkpoint copied the whole log back, so the next write starts the log again, which
    /// syncs its new header to disk: that write is not for an event loop.
    var restartPending = false
    /// Checkpoints run, for tests.
    var checkpoints = 0
    /// Until when a statement run by `rowsUnlessSlow` may run (SQLite's progress handler reads it).
    var progressDeadline: ContinuousClock.Instant?

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
        installWALHook()
    }

    /// How long a statement waits for another connection's lock. The quick path turns the wait
    /// off and back to this value: set it here, not with `PRAGMA busy_timeout`.
    func setBusyTimeout(milliseconds: Int32) {
        busyMilliseconds = milliseconds
        sqlite3_busy_timeout(connection, milliseconds)
    }

    deinit { close() }

    var isOpen: Bool { connection != nil }

    /// Finalizes every statement and closes the connection. Safe to call twice.
    func close() {
        cache.finalizeAll()
        if let connection {
            // `_v2`: should a statement still be live, the connection closes once it is finalized.
            sqlite3_close_v2(connection)
        }
        connection = nil
    }

    /// Runs one statement with `binds` for its `?` parameters and returns every row it yields
    /// (a write's `RETURNING` rows, or none).
    @discardableResult
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
        if let statement = cache.take(sql) {
            return (statement, true)
        }
        let keep = StatementCache.worthKeeping(sql)
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
            cache.keep(statement, for: sql)
        }
        return (statement, keep)
    }

    /// Whether anything but white space, comments and `;` follows the first statement.
    private static func hasMoreSQL(_ tail: UnsafePointer<CChar>) -> Bool {
        let rest = Array(String(cString: tail).utf8)
        var index = 0
        func next(_ offset: Int) -> UInt8? { index + offset < rest.count ? rest[index + offset] : nil }
        while index < rest.count {
            switch rest[index] {
            case UInt8(ascii: " "), UInt8(ascii: "\n"), UInt8(ascii: "\t"), UInt8(ascii: "\r"), 0x0B, 0x0C, UInt8(ascii: ";"):
                index += 1
            case UInt8(ascii: "-") where next(1) == UInt8(ascii: "-"):
                // To the end of the line.
                while index < rest.count, rest[index] != UInt8(ascii: "\n") { index += 1 }
            case UInt8(ascii: "/") where next(1) == UInt8(ascii: "*"):
                // To the closing `*/`, or the end (SQLite reads an open comment to the end too).
                index += 2
                while index < rest.count, !(rest[index] == UInt8(ascii: "*") && next(1) == UInt8(ascii: "/")) { index += 1 }
                index += 2
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
