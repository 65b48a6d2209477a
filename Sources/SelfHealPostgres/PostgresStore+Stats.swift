public import Foundation
import PostgresNIO
public import SelfHealCore

/// The stats queries: aggregates computed by PostgreSQL as index-only scans of
/// `execution_logs_stats` over the window (migration 5). Definitions in Stats.swift.
extension PostgresStore {
    private static let countColumns = """
        count(*) AS total,
        count(*) FILTER (WHERE status = 'ok' AND passed) AS passed,
        count(*) FILTER (WHERE status = 'ok' AND NOT passed) AS failed,
        count(*) FILTER (WHERE status <> 'ok') AS errors
        """

    public func statsSummary(since: Date) async throws -> StatsSummary {
        try await read("computing the stats summary", bounded: false) { db, logger in
            // percentile_disc is the nearest-rank percentile: the first value whose cumulative
            // share reaches 0.95, i.e. the one at position ⌈0.95·n⌉.
            let row = try await db.query(
                """
                SELECT \(unescaped: Self.countColumns),
                    avg(rule_score) AS avg_rules, avg(judge_score) AS avg_judge, avg(final_score) AS avg_final,
                    avg(latency_total_ms) AS avg_latency,
                    percentile_disc(0.95) WITHIN GROUP (ORDER BY latency_total_ms) AS p95_latency
                FROM execution_logs WHERE created_at >= \(since)
                """,
                logger: logger
            ).collect { column in
                (
                    total: try column.int("total"), passed: try column.int("passed"), failed: try column.int("failed"),
                    errors: try column.int("errors"),
                    scores: ScoreAverages(
                        rules: try column("avg_rules"), judge: try column("avg_judge"), final: try column("avg_final")
                    ),
                    latency: LatencySummary(average: try column("avg_latency"), p95: try column("p95_latency"))
                )
            }.first
            guard let row else {
                throw StoreError(.unavailable, "PostgreSQL \(self.endpoint) returned no row for the stats summary")
            }
            let active = try await db.query(
                "SELECT task_type, id, version FROM prompts WHERE status = 'active' ORDER BY task_type", logger: logger
            ).collect { column in
                ActivePromptSummary(taskType: try column("task_type"), id: try column("id"), version: try column.int("version"))
            }
            let decisions = try await db.query(
                "SELECT decision, count(*) AS runs FROM optimizer_runs WHERE created_at >= \(since) GROUP BY decision",
                logger: logger
            ).collect { column in (try column("decision", as: String.self), try column.int("runs")) }
            let byDecision = Dictionary(decisions, uniquingKeysWith: +)
            return StatsSummary(
                total: row.total, passed: row.passed, failed: row.failed, errors: row.errors,
                passRate: StatsSummary.passRate(passed: row.passed, evaluated: row.passed + row.failed),
                averageScores: row.scores, latencyMs: row.latency, activePrompts: active,
                optimizerRuns: OptimizerActivity(total: byDecision.values.reduce(0, +), byDecision: byDecision)
            )
        }
    }

    public func statsByTaskType(since: Date) async throws -> [TaskTypeStats] {
        try await read("computing stats by task type", bounded: false) { db, logger in
            try await db.query(
                """
                SELECT task_type, \(unescaped: Self.countColumns),
                    avg(final_score) AS avg_final, avg(latency_total_ms) AS avg_latency
                FROM execution_logs WHERE created_at >= \(since) GROUP BY task_type ORDER BY task_type
                """,
                logger: logger
            ).collect { column in
                let passed = try column.int("passed")
                let failed = try column.int("failed")
                return TaskTypeStats(
                    taskType: try column("task_type"), total: try column.int("total"), passed: passed, failed: failed,
                    errors: try column.int("errors"),
                    passRate: StatsSummary.passRate(passed: passed, evaluated: passed + failed),
                    avgFinal: try column("avg_final"), avgLatencyMs: try column("avg_latency")
                )
            }
        }
    }

    public func scoreDistribution(since: Date) async throws -> [ScoreBucket] {
        let rows = try await read("computing the score distribution", bounded: false) { db, logger in
            // floor(1.0 · 10) = 10 is clamped into the last bucket.
            try await db.query(
                """
                SELECT least(greatest(floor(final_score * 10)::bigint, 0), 9) AS bucket, count(*) AS scores
                FROM execution_logs WHERE created_at >= \(since) AND final_score IS NOT NULL GROUP BY 1
                """,
                logger: logger
            ).collect { column in (try column.int("bucket"), try column.int("scores")) }
        }
        return ScoreBucket.tenths(counts: Dictionary(rows, uniquingKeysWith: +))
    }

    public func recentFailures(limit: Int) async throws -> [ExecutionLog] {
        guard limit > 0 else { return [] }
        return try await read("reading recent failures") { db, logger in
            // The WHERE clause matches the partial index execution_logs_failures.
            try await db.query(
                """
                SELECT \(unescaped: Self.logColumns) FROM execution_logs WHERE status <> 'ok' OR NOT passed
                ORDER BY created_at DESC, id DESC LIMIT \(Int64(limit))
                """,
                logger: logger
            ).collect(Self.decodeLog)
        }
    }

    public func promptPerformance(since: Date) async throws -> [PromptPerformance] {
        try await read("computing prompt performance", bounded: false) { db, logger in
            // Aggregate first, then join the few resulting rows to prompts. A log may name a
            // prompt this database lacks (no foreign key); its own task type and version stand in.
            try await db.query(
                """
                SELECT l.prompt_id, coalesce(p.task_type, l.task_type) AS task_type,
                    coalesce(p.version, l.prompt_version, 0) AS version, p.status, l.samples, l.passed,
                    l.evaluated, l.avg_score, l.first_seen, l.last_seen
                FROM (
                    SELECT prompt_id, min(task_type) AS task_type, max(prompt_version) AS prompt_version,
                        count(*) AS samples, count(*) FILTER (WHERE status = 'ok' AND passed) AS passed,
                        count(*) FILTER (WHERE status = 'ok') AS evaluated, avg(final_score) AS avg_score,
                        min(created_at) AS first_seen, max(created_at) AS last_seen
                    FROM execution_logs WHERE created_at >= \(since) AND prompt_id IS NOT NULL GROUP BY prompt_id
                ) l LEFT JOIN prompts p ON p.id = l.prompt_id
                ORDER BY 2, 3 DESC, l.prompt_id DESC
                """,
                logger: logger
            ).collect { column in
                let passed = try column.int("passed")
                let status: String? = try column("status")
                return PromptPerformance(
                    promptId: try column("prompt_id"), taskType: try column("task_type"), version: try column.int("version"),
                    status: status.flatMap(PromptStatus.init(rawValue:)), samples: try column.int("samples"), passed: passed,
                    passRate: StatsSummary.passRate(passed: passed, evaluated: try column.int("evaluated")),
                    avgScore: try column("avg_score"), firstSeen: try column("first_seen"), lastSeen: try column("last_seen")
                )
            }
        }
    }
}
