import CSQLite

/// A failure SQLite reported: its extended result code and its own message.
public struct SQLiteError: Error, Sendable, CustomStringConvertible {
    /// The extended result code (`SQLITE_BUSY_SNAPSHOT`, `SQLITE_CONSTRAINT_UNIQUE`, ...).
    public let code: Int32
    /// SQLite's message for this failure (`sqlite3_errmsg`), or the code's text when there is none.
    public let message: String

    init(code: Int32, message: String) {
        self.code = code
        self.message = message
    }

    /// The failure's code and the connection's current message.
    init(code: Int32, connection: OpaquePointer?) {
        self.code = code
        if let connection, let text = sqlite3_errmsg(connection) {
            message = String(cString: text)
        } else {
            message = String(cString: sqlite3_errstr(code))
        }
    }

    /// The primary code, without the extended part.
    public var primaryCode: Int32 { code & 0xFF }

    /// Another connection held a lock past the busy timeout (or, in one process, a table lock).
    public var isBusy: Bool { primaryCode == SQLITE_BUSY || primaryCode == SQLITE_LOCKED }

    /// A constraint refused the statement: unique, primary key, foreign key, check or not-null.
    public var isConstraint: Bool { primaryCode == SQLITE_CONSTRAINT }

    /// The code's own short text ("database is locked"), whatever the message says.
    public var reason: String { String(cString: sqlite3_errstr(code)) }

    public var description: String { "SQLite error \(code): \(message)" }
}
