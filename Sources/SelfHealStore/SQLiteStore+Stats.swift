public import Foundation
import SelfHealSQLite
public import SelfHealCore

/// The stats queries. Each is one aggregate statement the database answers from the
/// `execution_logs_stats` covering index (migration 5); no log rows are loaded into the process.
/// `INDEXED BY` pins that index: left to itself, SQLite prefers an index that saves the GROUP BY
/// sort (e.g. on prompt_id) and then scans every log ever written instead of the window.
/// Definitions (evaluated, failed, errors, nearest-rank p95) are documented in Stats.swift.
extension SQLiteStore {
    /// Counts shared by the summary and the per-task-type rows. `passed` is stored as 0/1.
    private static let countColumns = """
        count(*) AS total,
        coalesce(sum(status = 'ok' AND passed = 1), 0) AS passed,
        coalesce(sum(status = 'ok' AND passed = 0), 0) AS failed,
        coalesce(sum(status <> 'ok'), 0) AS errors
        """

    public func statsSummary(since: Date) async throws -> StatsSummary {
        let row = try await read("computing the stats summary") { db in
            // ?1 is used three times. The p95 is the value at offset ⌈0.95·n⌉ - 1, computed in
            // integers ((95n + 99) / 100) so no floating-point rounding can pick a neighbour.
            try await db.rows(
                """
                SELECT \(Self.countColumns),
                    avg(rule_score) AS avg_rules, avg(judge_score) AS avg_judge, avg(final_score) AS avg_final,
                    avg(latency_total_ms) AS avg_latency,
                    (SELECT latency_total_ms FROM execution_logs INDEXED BY execution_logs_stats WHERE created_at >= ?1
                        ORDER BY latency_total_ms LIMIT 1 OFFSET (
                            SELECT max((95 * count(*) + 99) / 100 - 1, 0) FROM execution_logs INDEXED BY execution_logs_stats WHERE created_at >= ?1
                        )) AS p95_latency
                FROM execution_logs INDEXED BY execution_logs_stats WHERE created_at >= ?1
                """,
                [.date(since)]
            ).first
        }
        guard let row else {
            throw StoreError(.unavailable, "SQLite database \(path) returned no row for the stats summary")
        }
        let active = try await read("reading the active prompt versions") { db in
            try await db.rows("SELECT task_type, id, version FROM prompts WHERE status = 'active' ORDER BY task_type")
        }.map { row in
            ActivePromptSummary(taskType: try row.string("task_type"), id: try row.int64("id"), version: try row.int("version"))
        }
        let decisions = try await read("counting optimizer runs") { db in
            try await db.rows(
                "SELECT decision, count(*) AS runs FROM optimizer_runs WHERE created_at >= ? GROUP BY decision",
                [.date(since)]
            )
        }
        var byDecision: [String: Int] = [:]
        for decision in decisions {
            byDecision[try decision.string("decision")] = try decision.int("runs")
        }

        let passed = try row.int("passed")
        let failed = try row.int("failed")
        return StatsSummary(
            total: try row.int("total"), passed: passed, failed: failed, errors: try row.int("errors"),
            passRate: StatsSummary.passRate(passed: passed, evaluated: passed + failed),
            averageScores: ScoreAverages(
                rules: try row.optionalDouble("avg_rules"), judge: try row.optionalDouble("avg_judge"),
                final: try row.optionalDouble("avg_final")
            ),
            latencyMs: LatencySummary(average: try row.optionalDouble("avg_latency"), p95: try row.optionalDouble("p95_latency")),
            activePrompts: active,
            optimizerRuns: OptimizerActivity(total: byDecision.values.reduce(0, +), byDecision: byDecision)
        )
    }

    public func statsByTaskType(since: Date) async throws -> [TaskTypeStats] {
        try await read("computing stats by task type") { db in
            try await db.rows(
                """
                SELECT task_type, \(Self.countColumns), avg(final_score) AS avg_final, avg(latency_total_ms) AS avg_latency
                FROM execution_logs INDEXED BY execution_logs_stats WHERE created_at >= ? GROUP BY task_type ORDER BY task_type
                """,
                [.date(since)]
            )
        }.map { row in
            let passed = try row.int("passed")
            let failed = try row.int("failed")
            return TaskTypeStats(
                taskType: try row.string("task_type"), total: try row.int("total"), passed: passed, failed: failed,
                errors: try row.int("errors"), passRate: StatsSummary.passRate(passed: passed, evaluated: passed + failed),
                avgFinal: try row.optionalDouble("avg_final"), avgLatencyMs: try row.double("avg_latency")
            )
        }
    }

    public func scoreDistribution(since: Date) async throws -> [ScoreBucket] {
        let rows = try await read("computing the score distribution") { db in
            // CAST truncates: 0.95 → bucket 9; 1.0 → 10, clamped into the last bucket.
            try await db.rows(
                """
                SELECT min(max(CAST(final_score * 10 AS INTEGER), 0), 9) AS bucket, count(*) AS scores
                FROM execution_logs INDEXED BY execution_logs_stats WHERE created_at >= ? AND final_score IS NOT NULL GROUP BY bucket
                """,
                [.date(since)]
            )
        }
        var counts: [Int: Int] = [:]
        for row in rows {
            counts[try row.int("bucket")] = try row.int("scores")
        }
        return ScoreBucket.tenths(counts: counts)
    }

    public func recentFailures(limit: Int) async throws -> [ExecutionLog] {
        guard limit > 0 else { return [] }
        return try await read("reading recent failures") { db in
            // The WHERE term matches the partial index execution_logs_failures word for word.
            try await db.rows(
                """
                SELECT \(Self.logColumns) FROM execution_logs WHERE status <> 'ok' OR passed = 0
                ORDER BY created_at DESC, id DESC LIMIT ?
                """,
                [.int64(Int64(limit))]
            )
        }.map(Self.decodeLog)
    }

    public func promptPerformance(since: Date) async throws -> [PromptPerformance] {
        try await read("computing prompt performance") { db in
            // Aggregate first, then join the few resulting rows to prompts. A log may name a
            // prompt this database lacks (no foreign key); its own task type and version stand in.
            try await db.rows(
                """
                SELECT l.prompt_id, coalesce(p.task_type, l.task_type) AS task_type,
                    coalesce(p.version, l.prompt_version, 0) AS version, p.status, l.samples, l.passed,
                    l.evaluated, l.avg_score, l.first_seen, l.last_seen
                FROM (
                    SELECT prompt_id, min(task_type) AS task_type, max(prompt_version) AS prompt_version,
                        count(*) AS samples, coalesce(sum(status = 'ok' AND passed = 1), 0) AS passed,
                        coalesce(sum(status = 'ok'), 0) AS evaluated, avg(final_score) AS avg_score,
                        min(created_at) AS first_seen, max(created_at) AS last_seen
                    FROM execution_logs INDEXED BY execution_logs_stats WHERE created_at >= ? AND prompt_id IS NOT NULL GROUP BY prompt_id
                ) l LEFT JOIN prompts p ON p.id = l.prompt_id
                ORDER BY 2, 3 DESC, l.prompt_id DESC
                """,
                [.date(since)]
            )
        }.map { row in
            let passed = try row.int("passed")
            let status = try row.optionalString("status")
            return PromptPerformance(
                promptId: try row.int64("prompt_id"), taskType: try row.string("task_type"),
                version: try row.int("version"),
                status: status.flatMap(PromptStatus.init(rawValue:)),
                samples: try row.int("samples"), passed: passed,
                passRate: StatsSummary.passRate(passed: passed, evaluated: try row.int("evaluated")),
                avgScore: try row.optionalDouble("avg_score"), firstSeen: try row.date("first_seen"),
                lastSeen: try row.date("last_seen")
            )
        }
    }
}
