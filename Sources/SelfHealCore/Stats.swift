public import Foundation

// What the stats API (`/api/v1/stats/...`) and the dashboard show, as the store computes it.
//
// Shared definitions, the same in every store:
// - a request is *evaluated* when its status is `ok` (the evaluator scored it);
// - *passed*: evaluated and passed; *failed*: evaluated and not passed;
// - *errors*: status is not `ok` (worker or evaluator failed), so total = passed + failed + errors;
// - a pass rate is passed / evaluated, and 0 when nothing was evaluated;
// - latencies are the total milliseconds of every request in the window, errors included,
//   because that is what clients waited; p95 is the nearest-rank percentile (the value at
//   position ⌈0.95·n⌉ in ascending order), so it is always a latency that really happened.

/// Everything `/api/v1/stats/summary` reports for the window starting at `since`.
public struct StatsSummary: Codable, Sendable, Equatable {
    public var total: Int
    public var passed: Int
    public var failed: Int
    public var errors: Int
    public var passRate: Double
    public var averageScores: ScoreAverages
    public var latencyMs: LatencySummary
    /// The version serving each task type now (not limited to the window), by task type.
    public var activePrompts: [ActivePromptSummary]
    public var optimizerRuns: OptimizerActivity

    public init(
        total: Int, passed: Int, failed: Int, errors: Int, passRate: Double, averageScores: ScoreAverages,
        latencyMs: LatencySummary, activePrompts: [ActivePromptSummary], optimizerRuns: OptimizerActivity
    ) {
        self.total = total
        self.passed = passed
        self.failed = failed
        self.errors = errors
        self.passRate = passRate
        self.averageScores = averageScores
        self.latencyMs = latencyMs
        self.activePrompts = activePrompts
        self.optimizerRuns = optimizerRuns
    }

    enum CodingKeys: String, CodingKey {
        case total, passed, failed, errors
        case passRate = "pass_rate"
        case averageScores = "average_scores"
        case latencyMs = "latency_ms"
        case activePrompts = "active_prompts"
        case optimizerRuns = "optimizer_runs"
    }
}

/// Mean scores of the logs that have one; nil when none has.
public struct ScoreAverages: Codable, Sendable, Equatable {
    public var rules: Double?
    public var judge: Double?
    public var final: Double?

    public init(rules: Double?, judge: Double?, final: Double?) {
        self.rules = rules
        self.judge = judge
        self.final = final
    }
}

/// Total request latency in milliseconds; nil when the window holds no request.
public struct LatencySummary: Codable, Sendable, Equatable {
    public var average: Double?
    public var p95: Double?

    public init(average: Double?, p95: Double?) {
        self.average = average
        self.p95 = p95
    }
}

/// The short form of the active version of one task type.
public struct ActivePromptSummary: Codable, Sendable, Equatable {
    public var taskType: String
    public var id: Int64
    public var version: Int

    public init(taskType: String, id: Int64, version: Int) {
        self.taskType = taskType
        self.id = id
        self.version = version
    }

    enum CodingKeys: String, CodingKey {
        case id, version
        case taskType = "task_type"
    }
}

/// Optimizer decisions taken in the window.
public struct OptimizerActivity: Codable, Sendable, Equatable {
    public var total: Int
    /// Runs per decision ("promote", "rollback", "noop", ...); decisions never taken are absent.
    public var byDecision: [String: Int]

    public init(total: Int, byDecision: [String: Int]) {
        self.total = total
        self.byDecision = byDecision
    }

    enum CodingKeys: String, CodingKey {
        case total
        case byDecision = "by_decision"
    }
}

/// One row of `/api/v1/stats/by-task-type`: the summary counts for one task type.
public struct TaskTypeStats: Codable, Sendable, Equatable {
    public var taskType: String
    public var total: Int
    public var passed: Int
    public var failed: Int
    public var errors: Int
    public var passRate: Double
    /// Mean final score of the evaluated requests; nil when none has a score.
    public var avgFinal: Double?
    public var avgLatencyMs: Double

    public init(
        taskType: String, total: Int, passed: Int, failed: Int, errors: Int, passRate: Double, avgFinal: Double?,
        avgLatencyMs: Double
    ) {
        self.taskType = taskType
        self.total = total
        self.passed = passed
        self.failed = failed
        self.errors = errors
        self.passRate = passRate
        self.avgFinal = avgFinal
        self.avgLatencyMs = avgLatencyMs
    }

    enum CodingKeys: String, CodingKey {
        case total, passed, failed, errors
        case taskType = "task_type"
        case passRate = "pass_rate"
        case avgFinal = "avg_final"
        case avgLatencyMs = "avg_latency_ms"
    }
}

/// One bar of the final-score histogram: scores in [lower, upper), the last bar including 1.0.
public struct ScoreBucket: Codable, Sendable, Equatable {
    public var lower: Double
    public var upper: Double
    public var count: Int

    public init(lower: Double, upper: Double, count: Int) {
        self.lower = lower
        self.upper = upper
        self.count = count
    }

    /// The ten buckets [0.0, 0.1) … [0.9, 1.0], given the count for each bucket index 0...9.
    /// Bounds are computed as k/10 so they print as 0.1, 0.2, ... rather than accumulated sums.
    public static func tenths(counts: [Int: Int]) -> [ScoreBucket] {
        (0..<10).map { index in
            ScoreBucket(lower: Double(index) / 10, upper: Double(index + 1) / 10, count: counts[index] ?? 0)
        }
    }
}

/// How one prompt version did in the window: one row of `/api/v1/stats/prompt-performance`.
public struct PromptPerformance: Codable, Sendable, Equatable {
    public var promptId: Int64
    public var taskType: String
    public var version: Int
    /// The version's status now; nil when the logs name a prompt this database does not hold.
    public var status: PromptStatus?
    /// Requests it served in the window, errors included.
    public var samples: Int
    public var passed: Int
    /// passed / evaluated, 0 when none was evaluated.
    public var passRate: Double
    /// Mean final score; nil when none has a score.
    public var avgScore: Double?
    public var firstSeen: Date
    public var lastSeen: Date

    public init(
        promptId: Int64, taskType: String, version: Int, status: PromptStatus?, samples: Int, passed: Int,
        passRate: Double, avgScore: Double?, firstSeen: Date, lastSeen: Date
    ) {
        self.promptId = promptId
        self.taskType = taskType
        self.version = version
        self.status = status
        self.samples = samples
        self.passed = passed
        self.passRate = passRate
        self.avgScore = avgScore
        self.firstSeen = firstSeen
        self.lastSeen = lastSeen
    }

    enum CodingKeys: String, CodingKey {
        case version, status, samples, passed
        case promptId = "prompt_id"
        case taskType = "task_type"
        case passRate = "pass_rate"
        case avgScore = "avg_score"
        case firstSeen = "first_seen"
        case lastSeen = "last_seen"
    }
}

extension StatsSummary {
    /// passed / evaluated, or 0 when nothing was evaluated: one definition for every store.
    public static func passRate(passed: Int, evaluated: Int) -> Double {
        evaluated > 0 ? Double(passed) / Double(evaluated) : 0
    }
}
