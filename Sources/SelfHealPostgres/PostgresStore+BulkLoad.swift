import Foundation
import PostgresNIO
public import SelfHealCore

extension PostgresStore: BulkLogLoading {
    /// Rows per INSERT: 26 bound values each, under the protocol's 65,535-parameter limit.
    private static let bulkRowsPerStatement = 1_000

    /// Inserts many logs with multi-row INSERTs (values bound, never spliced), one transaction
    /// per statement, for benchmarks and imports. A duplicate idempotency key fails its batch.
    public func bulkInsertLogs(_ logs: [ExecutionLog]) async throws {
        var start = logs.startIndex
        while start < logs.endIndex {
            let chunk = Array(logs[start..<min(start + Self.bulkRowsPerStatement, logs.endIndex)])
            let query = try Self.multiRowInsert(chunk)
            try await read("bulk-loading \(chunk.count) execution logs", bounded: false) { db, logger in
                _ = try await db.query(query, logger: logger)
            }
            start += chunk.count
        }
    }

    private static func multiRowInsert(_ logs: [ExecutionLog]) throws -> PostgresQuery {
        var binds = PostgresBindings(capacity: logs.count * 27)
        var rows: [String] = []
        rows.reserveCapacity(logs.count)
        for (row, log) in logs.enumerated() {
            rows.append("(" + (1...27).map { "$\(row * 27 + $0)" }.joined(separator: ", ") + ")")
            binds.append(log.requestId)
            binds.append(log.idempotencyKey)
            binds.append(log.taskType)
            binds.append(log.userInput)
            binds.append(log.language)
            binds.append(log.status.rawValue)
            binds.append(log.error)
            binds.append(log.output)
            binds.append(log.code)
            binds.append(log.promptId)
            binds.append(log.promptVersion.map(Int64.init))
            binds.append(log.ruleScore)
            binds.append(log.judgeScore)
            binds.append(log.finalScore)
            binds.append(log.passed)
            binds.append(log.evaluationJSON)
            binds.append(log.responseJSON)
            binds.append(log.rulesVersion)
            binds.append(log.latencyTotalMs)
            binds.append(log.latencyWorkerMs)
            binds.append(log.latencyEvaluatorMs)
            binds.append(log.llmProvider)
            binds.append(log.llmModel)
            binds.append(log.tokensInput.map(Int64.init))
            binds.append(log.tokensOutput.map(Int64.init))
            binds.append(log.createdAt)
            binds.append(log.requestFingerprint)
        }
        // Only placeholders are built here; every value travels as a bound parameter.
        return PostgresQuery(
            unsafeSQL: "INSERT INTO execution_logs (\(logInsertColumns)) VALUES \(rows.joined(separator: ", "))", binds: binds
        )
    }

    /// Refreshes planner statistics and the visibility map after a bulk load, as autovacuum
    /// would shortly, so the stats queries can run as index-only scans.
    public func afterBulkLoad() async throws {
        try await read("vacuuming execution_logs", bounded: false) { db, logger in
            _ = try await db.query("VACUUM (ANALYZE) execution_logs", logger: logger)
        }
    }
}
