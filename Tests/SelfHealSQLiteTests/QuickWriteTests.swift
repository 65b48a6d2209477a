import Foundation
import NIOCore
import NIOPosix
import SelfHealTestSupport
import Testing

@testable import SelfHealSQLite

/// The short write every request makes runs on the caller's event loop, but never waits there:
/// not for another connection's lock, not for a long statement, not for a checkpoint.
@Suite("SQLite quick writes on an event loop", .timeLimit(.minutes(1)))
struct QuickWriteTests {
    let loop = MultiThreadedEventLoopGroup.singleton.next()

    func count(_ db: SQLiteConnection) async throws -> SQLiteData? {
        try await db.rows("SELECT count(*) AS n FROM t").first?.column("n")
    }

    @Test func aQuickWriteOnALoopLandsAndAnswers() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let db = try await SQLiteConnection.open(path: directory.file("quick.db"))
        try await db.rows("PRAGMA journal_mode = WAL")
        try await db.rows("CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT)")
        let rows = try await loop.submit { try db.quickAttempt("INSERT INTO t (a) VALUES (?) RETURNING id", [.text("x")]) }.get()
        #expect(rows?.first?.column("id") == .integer(1))
        #expect(try await count(db) == .integer(1))
        // Through the async entry point too, from a task (not a loop): the thread runs it.
        let second = try await db.rowsOnLoopIfQuick("INSERT INTO t (a) VALUES (?) RETURNING id", [.text("y")])
        #expect(second.first?.column("id") == .integer(2))
        await db.close()
    }

    @Test func aLockHeldElsewhereSendsTheWriteToTheThreadWhichWaitsForIt() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let holder = try await SQLiteConnection.open(path: directory.file("shared.db"))
        let writer = try await SQLiteConnection.open(path: directory.file("shared.db"))
        try await holder.rows("PRAGMA journal_mode = WAL")
        try await holder.rows("CREATE TABLE t (a INTEGER)")
        // Past the suite's time limit: a loop attempt that waited for the lock fails the test.
        try await writer.setBusyTimeout(.seconds(120))
        try await holder.rows("BEGIN IMMEDIATE")

        // On its thread the writer would wait for the lock; on the loop it does not wait at all.
        let onLoop = try await loop.submit { try writer.quickAttempt("INSERT INTO t (a) VALUES (1)", []) }.get()
        #expect(onLoop == nil)
        // On its thread it waits, as any write does, and lands once the lock is free.
        async let landed = writer.rowsOnLoopIfQuick("INSERT INTO t (a) VALUES (2) RETURNING a")
        try await Task.sleep(for: .milliseconds(100))
        try await holder.rows("COMMIT")
        #expect(try await landed.first?.column("a") == .integer(2))
        #expect(try await count(holder) == .integer(1), "only the write the thread ran")
        await writer.close()
        await holder.close()
    }

    @Test func aWriteInsideAnOpenTransactionIsNotTakenForItsOwn() async throws {
        let db = try await SQLiteConnection.open(path: ":memory:")
        try await db.rows("CREATE TABLE t (a INTEGER)")
        try await db.rows("BEGIN IMMEDIATE")
        let onLoop = try await loop.submit { try db.quickAttempt("INSERT INTO t (a) VALUES (1)", []) }.get()
        #expect(onLoop == nil)
        try await db.rows("ROLLBACK")
        #expect(try await count(db) == .integer(0))
        await db.close()
    }

    @Test func aLongStatementIsRolledBackOnTheLoopAndSendsWritesToTheThreadForAWhile() async throws {
        let gate = QuickWriteGate(cut: .milliseconds(1), cooldown: .seconds(600))
        let db = try await SQLiteConnection.open(path: ":memory:", quickWrites: gate)
        try await db.rows("CREATE TABLE t (a INTEGER)")
        // Millions of steps: far past a millisecond.
        let long = """
            INSERT INTO t (a) WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 3000000) SELECT x FROM c
            """
        let cut = try await loop.submit { try db.quickAttempt(long, []) }.get()
        #expect(cut == nil)
        #expect(try await count(db) == .integer(0), "the cut statement wrote nothing")
        // A trivial write now goes to the thread too (the cooldown), where it runs.
        let next = try await loop.submit { try db.quickAttempt("INSERT INTO t (a) VALUES (1)", []) }.get()
        #expect(next == nil)
        try await db.rowsOnLoopIfQuick("INSERT INTO t (a) VALUES (1)")
        #expect(try await count(db) == .integer(1))
        // And the long statement runs whole on the thread.
        try await db.rows(long)
        #expect(try await count(db) == .integer(3_000_001))
        await db.close()
    }

    @Test func aFailureOnTheLoopIsTheStatementsOwn() async throws {
        let db = try await SQLiteConnection.open(path: ":memory:")
        try await db.rows("CREATE TABLE t (a INTEGER UNIQUE)")
        try await db.rows("INSERT INTO t (a) VALUES (1)")
        await #expect(throws: SQLiteError.self) {
            try await loop.submit { try db.quickAttempt("INSERT INTO t (a) VALUES (1)", []) }.get()
        }
        await db.close()
    }

    @Test func writesOnTheLoopAreCheckpointedOnTheThread() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("wal.db")
        let db = try await SQLiteConnection.open(path: path)
        try await db.rows("PRAGMA journal_mode = WAL")
        // As the store runs it: a commit writes the log without syncing it, only a checkpoint
        // syncs. With SQLite's default (a sync per commit), 3,000 syncs on a CI machine busy
        // with other suites' I/O took over a minute.
        try await db.rows("PRAGMA synchronous = NORMAL")
        try await db.rows("CREATE TABLE t (a TEXT)")
        // 3,000 rows of 4 KiB: about 12 MB of log without a checkpoint; with one every 1,000
        // pages the log is reused from its start and stays near 4 MB.
        let text = String(repeating: "x", count: 4096)
        var onLoop = 0
        for _ in 0..<3000 {
            if try await loop.submit({ try db.quickAttempt("INSERT INTO t (a) VALUES (?)", [.text(text)]) }).get() != nil {
                onLoop += 1
            } else {
                try await db.rows("INSERT INTO t (a) VALUES (?)", [.text(text)])
            }
        }
        #expect(onLoop > 0)
        // SQLite's own checkpoint (which would run on the loop) is off; ours ran on the thread.
        #expect(try await db.rows("PRAGMA wal_autocheckpoint").first?.values == [.integer(0)])
        #expect(try await db.checkpointCount() > 0)
        let size = try FileManager.default.attributesOfItem(atPath: path + "-wal")[.size] as? Int ?? 0
        #expect(size < 8_000_000, "the log grew to \(size) bytes: not checkpointed")
        #expect(try await count(db) == .integer(3000))
        await db.close()
    }

    @Test func theWriteAfterAFullCheckpointSyncsTheLogOnTheThread() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        // A cut no loaded machine reaches: a slow attempt would keep the loop shut for a while,
        // and this test is about the restart, not the gate.
        let db = try await SQLiteConnection.open(path: directory.file("restart.db"), quickWrites: QuickWriteGate(cut: .seconds(30)))
        try await db.rows("PRAGMA journal_mode = WAL")
        try await db.rows("CREATE TABLE t (a INTEGER)")
        let insert = "INSERT INTO t (a) VALUES (1) RETURNING a"
        #expect(try await loop.submit { try db.quickAttempt(insert, []) }.get() != nil)
        // The whole log is copied back: the next write starts it again and syncs its header.
        try await db.checkpoint()
        #expect(try await loop.submit { try db.quickAttempt(insert, []) }.get() == nil)
        try await db.rowsOnLoopIfQuick(insert)
        // Started again: writes are for the loop again.
        #expect(try await loop.submit { try db.quickAttempt(insert, []) }.get() != nil)
        #expect(try await count(db) == .integer(3))
        await db.close()
    }
}
