import Foundation
import Logging
import SelfHealSQLite
import SelfHealCore

extension SQLiteStore {
    /// Applies the steps of `SQLiteMigrations.all` that the file lacks, each in its own
    /// `BEGIN IMMEDIATE` transaction. When several processes start at once, the second waits
    /// for the first's write lock and then re-reads what is applied, so no step runs twice.
    public func migrate() async throws {
        try await migrate(to: SQLiteMigrations.all)
    }

    /// How long one step waits for another process's migration: building an index over a
    /// large `execution_logs` takes far longer than the few seconds a request may wait.
    static let migrationBusyTimeout: Duration = .seconds(120)

    func migrate(to steps: [SQLiteMigration]) async throws {
        try await setWriterBusyTimeout(Self.migrationBusyTimeout)
        do {
            try await applyAll(steps)
        } catch {
            try? await setWriterBusyTimeout(busyTimeout)
            throw error
        }
        try await setWriterBusyTimeout(busyTimeout)
    }

    private func setWriterBusyTimeout(_ timeout: Duration) async throws {
        await gate.acquire()
        do {
            try await writer.setBusyTimeout(timeout)
            await gate.release()
        } catch {
            await gate.release()
            throw storeError(error, while: "setting the lock wait")
        }
    }

    private func applyAll(_ steps: [SQLiteMigration]) async throws {
        for step in steps {
            let applied = try await write("applying migration \(step.version) (\(step.name))") { db in
                _ = try await db.rows(SQLiteMigrations.bookkeeping)
                let done = try await db.rows(
                    "SELECT 1 FROM schema_migrations WHERE version = ?", [.int64(Int64(step.version))]
                )
                guard done.isEmpty else { return false }
                for statement in step.statements {
                    _ = try await db.rows(statement)
                }
                _ = try await db.rows(
                    "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
                    [.int64(Int64(step.version)), .text(step.name), .date(Date())]
                )
                return true
            }
            if applied {
                logger.info(
                    "Applied schema migration",
                    metadata: ["store.path": "\(path)", "migration.version": "\(step.version)", "migration.name": "\(step.name)"]
                )
            }
        }
        let newest = try await read("reading schema_migrations") { db in
            try await db.rows("SELECT max(version) AS version FROM schema_migrations")
        }.first.flatMap { try? $0.optionalInt("version") } ?? 0
        if let known = steps.last?.version, newest > known {
            // A newer build migrated this file. Tables only grow, so this build keeps working.
            logger.warning(
                "Database schema is newer than this build",
                metadata: ["store.path": "\(path)", "schema.version": "\(newest)", "schema.known": "\(known)"]
            )
        }
    }

    /// The versions recorded in `schema_migrations`, oldest first.
    func appliedMigrations() async throws -> [Int] {
        try await read("reading schema_migrations") { db in
            try await db.rows("SELECT version FROM schema_migrations ORDER BY version")
        }.map { try $0.int("version") }
    }
}
