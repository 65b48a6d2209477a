import Foundation
import Hummingbird
import SelfHealCore

/// The evaluator's stats API (README.md, "API"). Aggregates run in the database; each answer says
/// which window it covers.
enum StatsRoutes {
    struct Window<Body: Encodable & Sendable>: Encodable, Sendable {
        var hours: Double
        var since: Date
        var body: Body

        func encode(to encoder: any Encoder) throws {
            try body.encode(to: encoder)
            var c = encoder.container(keyedBy: Keys.self)
            try c.encode(hours, forKey: .hours)
            try c.encode(since, forKey: .since)
        }

        enum Keys: String, CodingKey { case hours, since }
    }

    struct TaskTypes: Codable { var taskTypes: [TaskTypeStats]; enum CodingKeys: String, CodingKey { case taskTypes = "task_types" } }
    struct Buckets: Codable { var buckets: [ScoreBucket] }
    struct Prompts: Codable { var prompts: [PromptPerformance] }
    struct Failures: Codable { var failures: [FailureReport] }

    static func add(to router: RouterGroup<BasicRequestContext>, store: any Store) {
        let stats = router.group("/api/v1/stats")
        stats.get("/summary") { request, _ -> Response in
            let (hours, since) = try window(request)
            return JSONResponse.make(Window(hours: hours, since: since, body: try await storeCall { try await store.statsSummary(since: since) }))
        }
        stats.get("/by-task-type") { request, _ -> Response in
            let (hours, since) = try window(request)
            let rows = try await storeCall { try await store.statsByTaskType(since: since) }
            return JSONResponse.make(Window(hours: hours, since: since, body: TaskTypes(taskTypes: rows)))
        }
        stats.get("/score-distribution") { request, _ -> Response in
            let (hours, since) = try window(request)
            let buckets = try await storeCall { try await store.scoreDistribution(since: since) }
            return JSONResponse.make(Window(hours: hours, since: since, body: Buckets(buckets: buckets)))
        }
        stats.get("/recent-failures") { request, _ -> Response in
            let limit = try StatsQuery.limit(request, default: 20, max: 500)
            let logs = try await storeCall { try await store.recentFailures(limit: limit) }
            return JSONResponse.make(Failures(failures: logs.map(FailureReport.init)))
        }
        stats.get("/prompt-performance") { request, _ -> Response in
            let (hours, since) = try window(request)
            let rows = try await storeCall { try await store.promptPerformance(since: since) }
            return JSONResponse.make(Window(hours: hours, since: since, body: Prompts(prompts: rows)))
        }
    }

    private static func window(_ request: Request) throws -> (Double, Date) {
        let hours = try StatsQuery.hours(request)
        return (hours, Date().addingTimeInterval(-hours * 3600))
    }
}

/// One failed request, with what made it fail: the verdict's reason, the rules that scored
/// below 1, the judge's feedback and the run's error tail, read back from the logged evaluation.
struct FailureReport: Codable, Sendable {
    struct FailedRule: Codable, Sendable {
        var name: String
        var score: Double
        var reason: String
    }

    var logId: Int64?
    var requestId: String
    var taskType: String
    var createdAt: Date
    var status: String
    var error: String?
    var userInput: String
    var promptId: Int64?
    var promptVersion: Int?
    var finalScore: Double?
    var ruleScore: Double?
    var judgeScore: Double?
    var failedRules: [FailedRule]
    var failedRequired: [String]
    var judgeFeedback: String?
    var exec: ExecResult?
    /// Which evidence decided the verdict, as the evaluation said.
    var verdictReason: String?

    init(_ log: ExecutionLog) {
        logId = log.id
        requestId = log.requestId
        taskType = log.taskType
        createdAt = log.createdAt
        status = log.status.rawValue
        error = log.error
        userInput = log.userInput.count > 500 ? String(log.userInput.prefix(500)) + "…" : log.userInput
        promptId = log.promptId
        promptVersion = log.promptVersion
        finalScore = log.finalScore
        ruleScore = log.ruleScore
        judgeScore = log.judgeScore
        let evaluation = log.evaluationJSON.flatMap { try? JSONResponse.decoder().decode(Evaluation.self, from: Data($0.utf8)) }
        failedRules = evaluation?.rules.filter { $0.score < 1 }.map { FailedRule(name: $0.name, score: $0.score, reason: $0.reason) } ?? []
        failedRequired = evaluation?.failedRequired ?? []
        judgeFeedback = evaluation?.judge.feedback
        exec = evaluation?.exec
        verdictReason = evaluation?.verdictReason
    }

    enum CodingKeys: String, CodingKey {
        case status, error, exec
        case logId = "log_id"
        case requestId = "request_id"
        case taskType = "task_type"
        case createdAt = "created_at"
        case userInput = "user_input"
        case promptId = "prompt_id"
        case promptVersion = "prompt_version"
        case finalScore = "final_score"
        case ruleScore = "rule_score"
        case judgeScore = "judge_score"
        case failedRules = "failed_rules"
        case failedRequired = "failed_required"
        case judgeFeedback = "judge_feedback"
        case verdictReason = "verdict_reason"
    }
}
