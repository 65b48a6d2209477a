import Foundation
import SelfHealSQLite
public import SelfHealCore

extension SQLiteStore: BulkLogLoading {
    /// Rows per INSERT: 27 bound values each (`logInsertColumnCount`), well under SQLite's 32,766-parameter limit.
    private static let bulkRowsPerStatement = 200

    /// Inserts many logs in one transaction with multi-row INSERTs, for benchmarks and imports.
    /// Idempotency keys are not checked beyond the unique index: a duplicate fails the batch.
    public func bulkInsertLogs(_ logs: [ExecutionLog]) async throws {
        guard !logs.isEmpty else { return }
        try await write("bulk-loading \(logs.count) execution logs") { db in
            var start = logs.startIndex
            while start < logs.endIndex {
                let chunk = logs[start..<min(start + Self.bulkRowsPerStatement, logs.endIndex)]
                let placeholders = Array(repeating: Self.logInsertRow, count: chunk.count)
                var binds: [SQLiteData] = []
                binds.reserveCapacity(chunk.count * Self.logInsertColumnCount)
                for log in chunk {
                    binds += Self.logInsertValues(log)
                }
                _ = try await db.rows(
                    "INSERT INTO execution_logs (\(Self.logInsertColumns)) VALUES \(placeholders.joined(separator: ", "))", binds
                )
                start = chunk.endIndex
            }
        }
    }

    /// The stats queries pin their index (`INDEXED BY`), so there is nothing to refresh.
    public func afterBulkLoad() async throws {}
}
