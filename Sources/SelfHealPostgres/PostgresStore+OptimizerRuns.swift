import Foundation
import PostgresNIO
public import SelfHealCore

extension PostgresStore {
    static let runColumns = "id, task_type, decision, trigger, prompt_id, candidate_id, evidence, details, created_at"

    /// Appends a run; `run.id` is ignored and the new id returned.
    public func appendOptimizerRun(_ run: OptimizerRun) async throws -> Int64 {
        let id = try await read("appending an optimizer run") { db, logger in
            try await db.query(
                """
                INSERT INTO optimizer_runs (task_type, decision, trigger, prompt_id, candidate_id, evidence, details, created_at)
                VALUES (\(run.taskType), \(run.decision), \(run.trigger), \(run.promptId), \(run.candidateId),
                    \(run.evidence), \(run.details), \(run.createdAt))
                RETURNING id
                """,
                logger: logger
            ).collect { try $0("id", as: Int64.self) }.first
        }
        guard let id else {
            throw StoreError(.unavailable, "inserting an optimizer run returned no id")
        }
        return id
    }

    public func optimizerRuns(taskType: String?, limit: Int) async throws -> [OptimizerRun] {
        guard limit > 0 else { return [] }
        return try await read("listing optimizer runs") { db, logger in
            let rows: PostgresRowSequence
            if let taskType {
                rows = try await db.query(
                    """
                    SELECT \(unescaped: Self.runColumns) FROM optimizer_runs WHERE task_type = \(taskType)
                    ORDER BY created_at DESC, id DESC LIMIT \(Int64(limit))
                    """,
                    logger: logger
                )
            } else {
                rows = try await db.query(
                    """
                    SELECT \(unescaped: Self.runColumns) FROM optimizer_runs
                    ORDER BY created_at DESC, id DESC LIMIT \(Int64(limit))
                    """,
                    logger: logger
                )
            }
            return try await rows.collect { column in
                OptimizerRun(
                    id: try column("id"), taskType: try column("task_type"), decision: try column("decision"),
                    trigger: try column("trigger"), promptId: try column("prompt_id"),
                    candidateId: try column("candidate_id"), evidence: try column("evidence"),
                    details: try column("details"), createdAt: try column("created_at")
                )
            }
        }
    }
}
