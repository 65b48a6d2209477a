import Foundation
import SelfHealCore
import SelfHealSQLite
import SelfHealTestSupport
import Testing

@testable import SelfHealStore

/// What only the SQLite store does: the file, its journal, its locks, its migrations table.
@Suite("SQLite store")
struct SQLiteStoreTests {
    let logger = SQLiteHarness.logger

    @Test func handlesMigratingAFreshFileAtOnceApplyEachStepOnce() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("fresh.db")
        var stores: [SQLiteStore] = []
        for _ in 0..<4 {
            stores.append(try await SQLiteStore.open(path: path, logger: logger))
        }
        var failure: (any Error)?
        do {
            try await withThrowingTaskGroup(of: Void.self) { group in
                for store in stores {
                    group.addTask { try await store.migrate() }
                }
                try await group.waitForAll()
            }
            #expect(try await stores[3].appliedMigrations() == SQLiteMigrations.all.map(\.version))
        } catch {
            failure = error
        }
        for store in stores {
            try await store.close()
        }
        if let failure { throw failure }
    }

    /// The roles of a split deployment open one fresh file at the same moment, so one may set
    /// WAL while another is still writing in the file's first journal mode. SQLite refuses that
    /// change at once ("database is locked", busy timeout or not); the store waits for the
    /// writer instead, as for any other lock (it failed one start of a role in the suite).
    @Test(.timeLimit(.minutes(1))) func aStoreOpensWhileAnotherConnectionStillWritesTheFreshFile() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("together.db")
        let other = try await SQLiteConnection.open(path: path)
        try await other.rows("CREATE TABLE early (a INTEGER)")
        try await other.rows("BEGIN IMMEDIATE")
        try await other.rows("INSERT INTO early (a) VALUES (1)")
        let commit = Task {
            try await Task.sleep(for: .milliseconds(300))
            try await other.rows("COMMIT")
        }
        let opened: Result<SQLiteStore, any Error>
        do { opened = .success(try await SQLiteStore.open(path: path, logger: logger)) } catch { opened = .failure(error) }
        try await commit.value
        await other.close()
        let store = try opened.get()
        #expect(try await store.write("reading the journal mode") { db in try await db.rows("PRAGMA journal_mode").first?.string("journal_mode") } == "wal")
        try await store.close()
    }

    @Test func laterStepsApplyToAnOlderFileWithoutTouchingItsData() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let store = try await SQLiteStore.open(path: directory.file("old.db"), logger: logger)
        do {
            // A file written by a build that knew only the first two steps, holding a row that
            // build wrote with the columns it knew (no later column: this build's INSERT names them).
            try await store.migrate(to: Array(SQLiteMigrations.all.prefix(2)))
            #expect(try await store.appliedMigrations() == [1, 2])
            let created = Date(timeIntervalSince1970: 1_700_000_000)
            try await store.write("writing an old row") { db in
                _ = try await db.rows(
                    """
                    INSERT INTO execution_logs (request_id, idempotency_key, task_type, user_input, status, output, passed, latency_total_ms, created_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                    [.text("old-request"), .text("old-key"), .text("code_generation"), .text("an old input"), .text("ok"),
                     .text("def f(): pass"), .integer(1), .float(12.5), .date(created)]
                )
            }
            await StoreContract.expectStoreError(.unavailable) {
                try await store.appendOptimizerRun(OptimizerRun(taskType: "code_generation", decision: "noop"))
            }

            try await store.migrate()
            #expect(try await store.appliedMigrations() == SQLiteMigrations.all.map(\.version))
            let old = try #require(try await store.log(idempotencyKey: "old-key"))
            #expect(old.requestId == "old-request" && old.userInput == "an old input" && old.output == "def f(): pass")
            #expect(old.passed && old.latencyTotalMs == 12.5 && old.createdAt == created)
            #expect(old.requestFingerprint == nil)
            let logId = try await store.appendLog(StoreContract.fullLog())
            StoreContract.expectSameLog(try await store.log(id: logId), StoreContract.fullLog(), id: logId)
            _ = try await store.appendOptimizerRun(OptimizerRun(taskType: "code_generation", decision: "noop"))
        } catch {
            try await store.close()
            throw error
        }
        try await store.close()
    }

    @Test func migrationStepsAreNumberedInOrder() {
        let versions = SQLiteMigrations.all.map(\.version)
        #expect(versions == Array(1...versions.count))
        #expect(SQLiteMigrations.all.allSatisfy { !$0.statements.isEmpty && !$0.name.isEmpty })
    }

    /// Every index is written with every row; each one kept is one some read uses. The newest
    /// rows since a time, with or without a task type, are read through an index, not a scan.
    @Test func logIndexesAreOnlyThoseReadsUse() async throws {
        try await withMigratedStore { store in
            let names = try await store.write("listing indexes") { db in
                try await db.rows("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'execution_logs' ORDER BY name", [])
                    .map { try $0.string("name") }
            }
            #expect(names == ["execution_logs_failures", "execution_logs_idempotency_key", "execution_logs_stats", "execution_logs_task_type_created_at"])
            for (query, arguments) in [
                ("SELECT id FROM execution_logs WHERE created_at >= ? ORDER BY created_at DESC, id DESC LIMIT ?", [SQLiteData.float(0), .int64(5)]),
                ("SELECT id FROM execution_logs WHERE task_type = ? AND created_at >= ? ORDER BY created_at DESC, id DESC LIMIT ?",
                 [.text("code_generation"), .float(0), .int64(5)]),
            ] {
                let plan = try await store.write("explaining") { db in
                    try await db.rows("EXPLAIN QUERY PLAN " + query, arguments).map { try $0.string("detail") }
                }
                #expect(plan.contains { $0.hasPrefix("SEARCH execution_logs USING") && $0.contains("INDEX") }, "\(query): \(plan)")
            }
            // Ties on created_at still come newest id first.
            let at = Date(timeIntervalSince1970: 1_800_000_000)
            var ids: [Int64] = []
            for _ in 0..<3 {
                var log = StoreContract.fullLog()
                log.createdAt = at
                log.idempotencyKey = nil
                ids.append(try await store.appendLog(log))
            }
            let recent = try await store.recentLogs(taskType: nil, since: at, limit: 2)
            #expect(recent.map(\.id) == [ids[2], ids[1]])
        }
    }

    @Test func theFileUsesWriteAheadLogging() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("wal.db")
        let store = try await SQLiteStore.open(path: path, logger: logger)
        try await store.migrate()
        _ = try await store.appendLog(StoreContract.fullLog())
        // Readers in other processes keep reading while a writer commits only in WAL mode.
        #expect(FileManager.default.fileExists(atPath: path + "-wal"))
        try await store.close()
    }

    @Test func aMissingDirectoryIsUnavailableAndNamed() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("no/such/dir/selfheal.db")
        let error = await StoreContract.expectStoreError(.unavailable) {
            try await SQLiteStore.open(path: path, logger: logger)
        }
        #expect(error?.message.contains(path) == true)
    }

    @Test func aFileThatIsNotADatabaseIsUnavailableAndNamed() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("notes.txt")
        try String(repeating: "not a database\n", count: 200).write(toFile: path, atomically: true, encoding: .utf8)
        let error = await StoreContract.expectStoreError(.unavailable) {
            try await SQLiteStore.open(path: path, logger: logger)
        }
        #expect(error?.message.contains(path) == true)
    }

    @Test func aStoreThatWasNeverMigratedSaysSo() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let store = try await SQLiteStore.open(path: directory.file("empty.db"), logger: logger)
        let error = await StoreContract.expectStoreError(.unavailable) {
            try await store.activePrompt(taskType: "code_generation")
        }
        try await store.close()
        #expect(error?.message.contains("migrate()") == true)
    }

    /// A migrated store on a file of its own, closed however `body` ends.
    func withMigratedStore(_ body: (SQLiteStore) async throws -> Void) async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let store = try await SQLiteStore.open(path: directory.file("selfheal.db"), logger: logger)
        do {
            try await store.migrate()
            try await body(store)
        } catch {
            try? await store.close()
            throw error
        }
        try await store.close()
    }

    /// A prompt edited outside selfheal (the `sqlite3` shell) leaves no mark for the live
    /// prompt kept in memory: it shows after a while (a second, `LivePromptCache`), not never.
    @Test(.timeLimit(.minutes(1))) func aPromptEditedOutsideSelfhealShowsSoon() async throws {
        try await withMigratedStore { store in
            try await store.seedPrompts([StoreContract.seed("code_generation", "before")])
            #expect(try await store.activePrompt(taskType: "code_generation")?.text == "before")
            try await store.write("editing by hand") { db in try await db.rows("UPDATE prompts SET text = 'after'") }
            let deadline = ContinuousClock.now + .seconds(30)
            var seen = try await store.activePrompt(taskType: "code_generation")?.text
            while seen != "after", ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(50))
                seen = try await store.activePrompt(taskType: "code_generation")?.text
            }
            #expect(seen == "after")
        }
    }

    /// The live prompts kept in memory stay few however many task types callers name.
    @Test func theLivePromptsKeptAreBounded() async throws {
        try await withMigratedStore { store in
            try await store.seedPrompts([StoreContract.seed("code_generation", "live")])
            for number in 0..<200 {
                #expect(try await store.activePrompt(taskType: "unknown_\(number)") == nil)
            }
            #expect(store.livePrompts.count <= LivePromptCache.maxEntries)
            #expect(try await store.activePrompt(taskType: "code_generation")?.text == "live")
        }
    }

    @Test func aWriterLockedOutPastTheTimeoutGetsUnavailable() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("locked.db")
        let holder = try await SQLiteStore.open(path: path, logger: logger)
        let waiter = try await SQLiteStore.open(path: path, logger: logger, busyTimeout: .milliseconds(200))
        try await holder.migrate()

        // The holder keeps its write transaction open until the waiter has given up, as a stuck
        // process would (a fixed hold could end before a busy machine lets the waiter try).
        let (locked, lockedSignal) = AsyncStream.makeStream(of: Void.self)
        let (gaveUp, gaveUpSignal) = AsyncStream.makeStream(of: Void.self)
        async let held: Void = holder.write("holding the lock") { _ in
            lockedSignal.yield()
            for await _ in gaveUp { break }
        }
        for await _ in locked { break }
        let error = await StoreContract.expectStoreError(.unavailable) {
            try await waiter.appendLog(ExecutionLog(requestId: "r", taskType: "code_generation", userInput: "x", status: .ok))
        }
        gaveUpSignal.finish()
        try await held
        #expect(error?.message.contains(path) == true)
        #expect(error?.message.contains("locked") == true)

        // Once the lock is free the same handle writes normally.
        _ = try await waiter.appendLog(ExecutionLog(requestId: "r", taskType: "code_generation", userInput: "x", status: .ok))
        try await waiter.close()
        try await holder.close()
    }
}
