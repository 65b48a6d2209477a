import Foundation
import SelfHealSQLite
import SelfHealTestSupport
import Testing

/// The binding as the store uses it: values in and out unchanged, kept statements that forget
/// their last run, SQLite's failures reported with its own message, and a file two
/// connections share.
@Suite("SQLite connection", .timeLimit(.minutes(1)))
struct SQLiteConnectionTests {
    @Test func everyStorageClassComesBackAsItWentIn() async throws {
        let db = try await SQLiteConnection.open(path: ":memory:")
        defer { Task { await db.close() } }
        try await db.rows("CREATE TABLE t (v ANY) STRICT")
        let values: [SQLiteData] = [
            .integer(Int64.min), .integer(Int64.max), .integer(0), .float(-0.5), .float(1e300),
            .text(""), .text("héllo, 世界 🙂"), .text("a\u{0}b"), .blob([]), .blob([0, 255, 7]), .null,
        ]
        for value in values {
            try await db.rows("INSERT INTO t (v) VALUES (?)", [value])
        }
        let read = try await db.rows("SELECT v FROM t ORDER BY rowid").map { $0.column("v") }
        #expect(read == values)
        // An empty text is text, not NULL (an empty buffer has no address to bind).
        #expect(try await db.rows("SELECT count(*) AS n FROM t WHERE v IS NULL").first?.column("n") == .integer(1))
    }

    @Test func aKeptStatementForgetsItsLastRun() async throws {
        let db = try await SQLiteConnection.open(path: ":memory:")
        defer { Task { await db.close() } }
        try await db.rows("CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT)")
        let insert = "INSERT INTO t (name) VALUES (?) RETURNING id"
        let first = try await db.rows(insert, [.text("first")])
        let second = try await db.rows(insert, [.null])
        #expect(first.first?.column("id") == .integer(1))
        #expect(second.first?.column("id") == .integer(2))
        #expect(try await db.rows("SELECT name FROM t WHERE id = 2").first?.column("name") == .null)
        // The same SELECT again, after a write it must see.
        let count = "SELECT count(*) AS n FROM t"
        #expect(try await db.rows(count).first?.column("n") == .integer(2))
        try await db.rows(insert, [.text("third")])
        #expect(try await db.rows(count).first?.column("n") == .integer(3))
    }

    @Test func aKeptStatementSeesASchemaChange() async throws {
        let db = try await SQLiteConnection.open(path: ":memory:")
        defer { Task { await db.close() } }
        try await db.rows("CREATE TABLE t (a INTEGER)")
        try await db.rows("INSERT INTO t (a) VALUES (1)")
        #expect(try await db.rows("SELECT * FROM t").first?.values == [.integer(1)])
        try await db.rows("ALTER TABLE t ADD COLUMN b TEXT DEFAULT 'x'")
        let row = try #require(try await db.rows("SELECT * FROM t").first)
        #expect(row.values == [.integer(1), .text("x")])
        #expect(row.column("b") == .text("x"))
    }

    @Test func moreStatementsThanAreKeptAllRun() async throws {
        let db = try await SQLiteConnection.open(path: ":memory:")
        defer { Task { await db.close() } }
        for number in 0..<150 {
            #expect(try await db.rows("SELECT \(number) AS n").first?.column("n") == .integer(Int64(number)))
        }
        // And the first ones still answer right when asked again.
        #expect(try await db.rows("SELECT 3 AS n").first?.column("n") == .integer(3))
    }

    @Test func aMistakeIsNamedAndRunsNothing() async throws {
        let db = try await SQLiteConnection.open(path: ":memory:")
        defer { Task { await db.close() } }
        try await db.rows("CREATE TABLE t (a INTEGER NOT NULL UNIQUE)")

        let syntax = await #expect(throws: SQLiteError.self) { try await db.rows("SELEC 1") }
        #expect(syntax?.message.contains("syntax error") == true)

        let count = await #expect(throws: SQLiteError.self) { try await db.rows("INSERT INTO t (a) VALUES (?)", []) }
        #expect(count?.message == "the statement has 1 parameters, 0 values were given")

        // A second statement would be skipped silently: the call is refused and the first does not run either.
        let two = await #expect(throws: SQLiteError.self) { try await db.rows("INSERT INTO t (a) VALUES (1); DROP TABLE t") }
        #expect(two?.message.contains("more than one statement") == true)
        #expect(try await db.rows("SELECT count(*) AS n FROM t").first?.column("n") == .integer(0))
        // A trailing semicolon, white space and comments are one statement.
        try await db.rows("INSERT INTO t (a) VALUES (1);\n  -- the first row\n /* done */ ")

        let unique = await #expect(throws: SQLiteError.self) { try await db.rows("INSERT INTO t (a) VALUES (1)") }
        #expect(unique?.isConstraint == true)
        #expect(unique?.message.contains("UNIQUE") == true)
        let notNull = await #expect(throws: SQLiteError.self) { try await db.rows("INSERT INTO t (a) VALUES (NULL)") }
        #expect(notNull?.isConstraint == true)
    }

    @Test func aClosedConnectionSaysSo() async throws {
        let db = try await SQLiteConnection.open(path: ":memory:")
        await db.close()
        let closed = await #expect(throws: SQLiteError.self) { try await db.rows("SELECT 1") }
        #expect(closed?.message.contains("closed") == true)
        await db.close()
    }

    @Test func aFileThatCannotBeOpenedIsNamed() async throws {
        let error = await #expect(throws: SQLiteError.self) {
            try await SQLiteConnection.open(path: "/nonexistent-\(UUID().uuidString)/x.db")
        }
        #expect(error?.message.contains("unable to open") == true)
    }

    @Test func aWriterLockedOutIsBusy() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let holder = try await SQLiteConnection.open(path: directory.file("shared.db"))
        let waiter = try await SQLiteConnection.open(path: directory.file("shared.db"))
        try await holder.rows("PRAGMA journal_mode = WAL")
        try await holder.rows("CREATE TABLE t (a INTEGER)")
        try await waiter.setBusyTimeout(.milliseconds(50))
        try await holder.rows("BEGIN IMMEDIATE")
        try await holder.rows("INSERT INTO t (a) VALUES (1)")
        let busy = await #expect(throws: SQLiteError.self) { try await waiter.rows("INSERT INTO t (a) VALUES (2)") }
        #expect(busy?.isBusy == true)
        #expect(busy?.reason == "database is locked")
        // WAL: the reader sees the last commit, not the open transaction.
        #expect(try await waiter.rows("SELECT count(*) AS n FROM t").first?.column("n") == .integer(0))
        try await holder.rows("COMMIT")
        try await waiter.rows("INSERT INTO t (a) VALUES (2)")
        #expect(try await holder.rows("SELECT count(*) AS n FROM t").first?.column("n") == .integer(2))
        await waiter.close()
        await holder.close()
    }

    @Test func aWriteFromACancelledTaskStillRuns() async throws {
        let db = try await SQLiteConnection.open(path: ":memory:")
        defer { Task { await db.close() } }
        try await db.rows("CREATE TABLE t (a INTEGER)")
        let task = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            return try await db.rows("INSERT INTO t (a) VALUES (1) RETURNING a")
        }
        #expect(try await task.value.first?.column("a") == .integer(1))
        #expect(try await db.rows("SELECT count(*) AS n FROM t").first?.column("n") == .integer(1))
    }
}
