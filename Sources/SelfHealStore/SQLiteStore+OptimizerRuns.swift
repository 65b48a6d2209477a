import Foundation
import SelfHealSQLite
public import SelfHealCore

extension SQLiteStore {
    static let runColumns = "id, task_type, decision, trigger, prompt_id, candidate_id, evidence, details, created_at"

    /// Appends a run; `run.id` is ignored and the new id returned.
    public func appendOptimizerRun(_ run: OptimizerRun) async throws -> Int64 {
        try await write("appending an optimizer run") { db in
            let row = try await db.rows(
                """
                INSERT INTO optimizer_runs (task_type, decision, trigger, prompt_id, candidate_id, evidence, details, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id
                """,
                [
                    .text(run.taskType), .text(run.decision), .textOrNull(run.trigger), .int64OrNull(run.promptId),
                    .int64OrNull(run.candidateId), .idList(run.evidence), .textOrNull(run.details), .date(run.createdAt),
                ]
            ).first
            guard let row else {
                throw StoreError(.unavailable, "inserting an optimizer run returned no id")
            }
            return try row.int64("id")
        }
    }

    public func optimizerRuns(taskType: String?, limit: Int) async throws -> [OptimizerRun] {
        guard limit > 0 else { return [] }
        return try await read("listing optimizer runs") { db in
            let rows: [SQLiteRow]
            if let taskType {
                rows = try await db.rows(
                    "SELECT \(Self.runColumns) FROM optimizer_runs WHERE task_type = ? ORDER BY created_at DESC, id DESC LIMIT ?",
                    [.text(taskType), .int64(Int64(limit))]
                )
            } else {
                rows = try await db.rows(
                    "SELECT \(Self.runColumns) FROM optimizer_runs ORDER BY created_at DESC, id DESC LIMIT ?",
                    [.int64(Int64(limit))]
                )
            }
            return try rows.map(Self.decodeRun)
        }
    }

    static func decodeRun(_ row: SQLiteRow) throws -> OptimizerRun {
        OptimizerRun(
            id: try row.int64("id"),
            taskType: try row.string("task_type"),
            decision: try row.string("decision"),
            trigger: try row.optionalString("trigger"),
            promptId: try row.optionalInt64("prompt_id"),
            candidateId: try row.optionalInt64("candidate_id"),
            evidence: try row.idList("evidence"),
            details: try row.optionalString("details"),
            createdAt: try row.date("created_at")
        )
    }
}
