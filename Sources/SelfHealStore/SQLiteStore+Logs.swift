public import Foundation
import SelfHealSQLite
public import SelfHealCore

extension SQLiteStore {
    /// Every column but `id`, in the order `logInsertValues` gives their values.
    static let logInsertColumns = """
        request_id, idempotency_key, task_type, user_input, language, status, error, output, code, \
        prompt_id, prompt_version, rule_score, judge_score, final_score, passed, evaluation_json, response_json, \
        rules_version, latency_total_ms, latency_worker_ms, latency_evaluator_ms, llm_provider, llm_model, \
        tokens_input, tokens_output, created_at, request_fingerprint
        """
    static let logColumns = "id, " + logInsertColumns
    static let logInsertColumnCount = logInsertColumns.split(separator: ",").count
    /// One row's placeholders: `(?, ?, ...)`.
    static let logInsertRow = "(" + Array(repeating: "?", count: logInsertColumnCount).joined(separator: ", ") + ")"
    /// The INSERT of one row, built once: the connection keeps it prepared by its text.
    static let logInsertOne = "INSERT INTO execution_logs (\(logInsertColumns)) VALUES \(logInsertRow) RETURNING id"

    /// One row's values, in `logInsertColumns`' order (as many as `logInsertColumnCount`).
    static func logInsertValues(_ log: ExecutionLog) -> [SQLiteData] {
        [
            .text(log.requestId), .textOrNull(log.idempotencyKey), .text(log.taskType), .text(log.userInput),
            .textOrNull(log.language), .text(log.status.rawValue), .textOrNull(log.error),
            .textOrNull(log.output), .textOrNull(log.code), .int64OrNull(log.promptId),
            .intOrNull(log.promptVersion), .doubleOrNull(log.ruleScore), .doubleOrNull(log.judgeScore),
            .doubleOrNull(log.finalScore), .bool(log.passed), .textOrNull(log.evaluationJSON),
            .textOrNull(log.responseJSON), .textOrNull(log.rulesVersion), .float(log.latencyTotalMs),
            .doubleOrNull(log.latencyWorkerMs), .doubleOrNull(log.latencyEvaluatorMs),
            .textOrNull(log.llmProvider), .textOrNull(log.llmModel), .intOrNull(log.tokensInput),
            .intOrNull(log.tokensOutput), .date(log.createdAt), .textOrNull(log.requestFingerprint),
        ]
    }

    /// Appends a log; `log.id` is ignored and the new id returned.
    public func appendLog(_ log: ExecutionLog) async throws -> Int64 {
        guard let key = log.idempotencyKey else {
            // Most rows: one INSERT, its own transaction, on the caller's event loop when it is
            // quick there (see `SQLiteConnection.rowsOnLoopIfQuick`).
            return try await writeOne("appending an execution log") { db in try await insert(log, on: db, quick: true) }
        }
        return try await write("appending an execution log") { db in
            // Checked inside the write transaction, so no other writer can slip the same key in
            // between; the unique index backs this up.
            if try await !db.rows("SELECT 1 FROM execution_logs WHERE idempotency_key = ?", [.text(key)]).isEmpty {
                throw StoreError(.conflict, "an execution log with idempotency key \"\(key)\" already exists")
            }
            return try await insert(log, on: db, quick: false)
        }
    }

    /// `quick`: the INSERT is its own transaction and may run on the caller's event loop.
    private func insert(_ log: ExecutionLog, on db: SQLiteConnection, quick: Bool) async throws -> Int64 {
        let values = Self.logInsertValues(log)
        let row = try await (quick ? db.rowsOnLoopIfQuick(Self.logInsertOne, values) : db.rows(Self.logInsertOne, values)).first
        guard let row else {
            throw StoreError(.unavailable, "inserting an execution log returned no id")
        }
        return try row.int64("id")
    }

    public func log(idempotencyKey: String) async throws -> ExecutionLog? {
        try await read("reading the execution log for an idempotency key") { db in
            try await db.rows(
                "SELECT \(Self.logColumns) FROM execution_logs WHERE idempotency_key = ?", [.text(idempotencyKey)]
            ).first.map(Self.decodeLog)
        }
    }

    public func log(id: Int64) async throws -> ExecutionLog? {
        try await read("reading execution log \(id)") { db in
            try await db.rows("SELECT \(Self.logColumns) FROM execution_logs WHERE id = ?", [.int64(id)])
                .first.map(Self.decodeLog)
        }
    }

    public func recentLogs(taskType: String?, since: Date, limit: Int) async throws -> [ExecutionLog] {
        guard limit > 0 else { return [] }
        return try await read("reading recent execution logs") { db in
            let rows: [SQLiteRow]
            // Both shapes are served by an index: (task_type, created_at), or execution_logs_stats (created_at, ...).
            if let taskType {
                rows = try await db.rows(
                    """
                    SELECT \(Self.logColumns) FROM execution_logs WHERE task_type = ? AND created_at >= ?
                    ORDER BY created_at DESC, id DESC LIMIT ?
                    """,
                    [.text(taskType), .date(since), .int64(Int64(limit))]
                )
            } else {
                rows = try await db.rows(
                    """
                    SELECT \(Self.logColumns) FROM execution_logs WHERE created_at >= ?
                    ORDER BY created_at DESC, id DESC LIMIT ?
                    """,
                    [.date(since), .int64(Int64(limit))]
                )
            }
            return try rows.map(Self.decodeLog)
        }
    }

    static func decodeLog(_ row: SQLiteRow) throws -> ExecutionLog {
        ExecutionLog(
            id: try row.int64("id"),
            requestId: try row.string("request_id"),
            idempotencyKey: try row.optionalString("idempotency_key"),
            taskType: try row.string("task_type"),
            userInput: try row.string("user_input"),
            language: try row.optionalString("language"),
            status: try row.rawEnum("status", as: ExecutionStatus.self),
            error: try row.optionalString("error"),
            output: try row.optionalString("output"),
            code: try row.optionalString("code"),
            promptId: try row.optionalInt64("prompt_id"),
            promptVersion: try row.optionalInt("prompt_version"),
            ruleScore: try row.optionalDouble("rule_score"),
            judgeScore: try row.optionalDouble("judge_score"),
            finalScore: try row.optionalDouble("final_score"),
            passed: try row.bool("passed"),
            evaluationJSON: try row.optionalString("evaluation_json"),
            responseJSON: try row.optionalString("response_json"),
            rulesVersion: try row.optionalString("rules_version"),
            latencyTotalMs: try row.double("latency_total_ms"),
            latencyWorkerMs: try row.optionalDouble("latency_worker_ms"),
            latencyEvaluatorMs: try row.optionalDouble("latency_evaluator_ms"),
            llmProvider: try row.optionalString("llm_provider"),
            llmModel: try row.optionalString("llm_model"),
            tokensInput: try row.optionalInt("tokens_input"),
            tokensOutput: try row.optionalInt("tokens_output"),
            createdAt: try row.date("created_at"),
            requestFingerprint: try row.optionalString("request_fingerprint")
        )
    }
}
