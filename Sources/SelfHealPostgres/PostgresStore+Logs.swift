public import Foundation
import PostgresNIO
public import SelfHealCore

extension PostgresStore {
    /// Every column but `id`, in the order `appendLog` binds them.
    static let logInsertColumns = """
        request_id, idempotency_key, task_type, user_input, language, status, error, output, code, \
        prompt_id, prompt_version, rule_score, judge_score, final_score, passed, evaluation_json, response_json, \
        rules_version, latency_total_ms, latency_worker_ms, latency_evaluator_ms, llm_provider, llm_model, \
        tokens_input, tokens_output, created_at, request_fingerprint
        """
    static let logColumns = "id, " + logInsertColumns

    /// Appends a log; `log.id` is ignored and the new id returned. One statement: the unique
    /// index decides a racing duplicate key, and `DO NOTHING` turns it into "no row returned".
    public func appendLog(_ log: ExecutionLog) async throws -> Int64 {
        let id = try await read("appending an execution log") { db, logger in
            try await db.query(Self.insertLog(log), logger: logger).collect { try $0("id", as: Int64.self) }.first
        }
        guard let id else {
            throw StoreError(.conflict, "an execution log with idempotency key \"\(log.idempotencyKey ?? "")\" already exists")
        }
        return id
    }

    static func insertLog(_ log: ExecutionLog) -> PostgresQuery {
        """
        INSERT INTO execution_logs (\(unescaped: logInsertColumns))
        VALUES (\(log.requestId), \(log.idempotencyKey), \(log.taskType), \(log.userInput), \(log.language),
            \(log.status.rawValue), \(log.error), \(log.output), \(log.code), \(log.promptId),
            \(log.promptVersion.map(Int64.init)), \(log.ruleScore), \(log.judgeScore), \(log.finalScore), \(log.passed),
            \(log.evaluationJSON), \(log.responseJSON), \(log.rulesVersion), \(log.latencyTotalMs),
            \(log.latencyWorkerMs), \(log.latencyEvaluatorMs), \(log.llmProvider), \(log.llmModel),
            \(log.tokensInput.map(Int64.init)), \(log.tokensOutput.map(Int64.init)), \(log.createdAt), \(log.requestFingerprint))
        ON CONFLICT (idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING
        RETURNING id
        """
    }

    public func log(idempotencyKey: String) async throws -> ExecutionLog? {
        try await read("reading the execution log for an idempotency key") { db, logger in
            try await db.query(
                "SELECT \(unescaped: Self.logColumns) FROM execution_logs WHERE idempotency_key = \(idempotencyKey)",
                logger: logger
            ).collect(Self.decodeLog).first
        }
    }

    public func log(id: Int64) async throws -> ExecutionLog? {
        try await read("reading execution log \(id)") { db, logger in
            try await db.query("SELECT \(unescaped: Self.logColumns) FROM execution_logs WHERE id = \(id)", logger: logger)
                .collect(Self.decodeLog).first
        }
    }

    public func recentLogs(taskType: String?, since: Date, limit: Int) async throws -> [ExecutionLog] {
        guard limit > 0 else { return [] }
        return try await read("reading recent execution logs") { db, logger in
            let rows: PostgresRowSequence
            // Both shapes are served by an index: (task_type, created_at, id) or (created_at, id).
            if let taskType {
                rows = try await db.query(
                    """
                    SELECT \(unescaped: Self.logColumns) FROM execution_logs
                    WHERE task_type = \(taskType) AND created_at >= \(since)
                    ORDER BY created_at DESC, id DESC LIMIT \(Int64(limit))
                    """,
                    logger: logger
                )
            } else {
                rows = try await db.query(
                    """
                    SELECT \(unescaped: Self.logColumns) FROM execution_logs WHERE created_at >= \(since)
                    ORDER BY created_at DESC, id DESC LIMIT \(Int64(limit))
                    """,
                    logger: logger
                )
            }
            return try await rows.collect(Self.decodeLog)
        }
    }

    static func decodeLog(_ column: PostgresColumns) throws -> ExecutionLog {
        ExecutionLog(
            id: try column("id"),
            requestId: try column("request_id"),
            idempotencyKey: try column("idempotency_key"),
            taskType: try column("task_type"),
            userInput: try column("user_input"),
            language: try column("language"),
            status: try column.rawEnum("status", as: ExecutionStatus.self),
            error: try column("error"),
            output: try column("output"),
            code: try column("code"),
            promptId: try column("prompt_id"),
            promptVersion: try column.optionalInt("prompt_version"),
            ruleScore: try column("rule_score"),
            judgeScore: try column("judge_score"),
            finalScore: try column("final_score"),
            passed: try column("passed"),
            evaluationJSON: try column("evaluation_json"),
            responseJSON: try column("response_json"),
            rulesVersion: try column("rules_version"),
            latencyTotalMs: try column("latency_total_ms"),
            latencyWorkerMs: try column("latency_worker_ms"),
            latencyEvaluatorMs: try column("latency_evaluator_ms"),
            llmProvider: try column("llm_provider"),
            llmModel: try column("llm_model"),
            tokensInput: try column.optionalInt("tokens_input"),
            tokensOutput: try column.optionalInt("tokens_output"),
            createdAt: try column("created_at"),
            requestFingerprint: try column("request_fingerprint")
        )
    }
}
