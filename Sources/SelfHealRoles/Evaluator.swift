public import Logging
import Metrics
public import SelfHealCore

/// The evaluator role: weighted Lua rules plus the LLM judge, combined as `rules/scoring.lua` says,
/// with the code run in a sandbox first: against the request's tests, else a smoke run (compiled,
/// read for crude defects, imported, its worked examples tried).
public struct Evaluator: Evaluating {
    let rules: any RuleScoring
    let judge: any Judging
    var logger: Logger
    /// The level of the one line each evaluation logs: info when the evaluator answers its own
    /// route, debug under an in-process manager, whose `Request served` line carries the same
    /// fields (one line per request at the default level, not one per role).
    public var stageLogLevel: Logger.Level = .info
    let runner: (any CodeRunning)?
    /// The `sandbox` table of the live rules, read per request so an edit applies on reload.
    let sandboxSettings: @Sendable () -> SandboxSettings
    private let scores = ScoreRecorders()
    private let evaluations = HandleCache<EvaluationSeries, Counter>()

    private struct EvaluationSeries: Hashable, Sendable {
        var taskType: String
        var passed: Bool
    }

    /// `selfheal_evaluation_score` by kind, made with the evaluator: a handle made per
    /// evaluation is a lookup in the metrics registry under its lock.
    private struct ScoreRecorders {
        let rules = Recorder(label: "selfheal_evaluation_score", dimensions: [("kind", "rules")], aggregate: true)
        let judge = Recorder(label: "selfheal_evaluation_score", dimensions: [("kind", "judge")], aggregate: true)
        let final = Recorder(label: "selfheal_evaluation_score", dimensions: [("kind", "final")], aggregate: true)
    }

    public init(
        rules: any RuleScoring, judge: any Judging, logger: Logger,
        runner: (any CodeRunning)? = nil, sandboxSettings: @escaping @Sendable () -> SandboxSettings = { SandboxSettings() }
    ) {
        self.rules = rules
        self.judge = judge
        self.logger = logger
        self.runner = runner
        self.sandboxSettings = sandboxSettings
    }

    public func evaluate(_ request: EvaluateRequest) async throws -> Evaluation {
        guard let requestId = request.requestId else { return try await evaluateLogged(request) }
        // Every line this evaluation logs carries the manager's request id.
        var scoped = self
        scoped.logger[metadataKey: "request.id"] = "\(requestId)"
        return try await scoped.evaluateLogged(request)
    }

    private func evaluateLogged(_ request: EvaluateRequest) async throws -> Evaluation {
        var context = RuleContext(
            taskType: request.taskType, input: request.userInput, output: request.output,
            code: request.code ?? CodeExtraction.code(from: request.output, language: request.language),
            language: request.language, tests: request.tests, exec: nil
        )
        // The judge waits on the network, the sandbox and the rules on the CPU: run them side by side.
        async let verdict = judge.judge(taskType: request.taskType, userInput: request.userInput, output: request.output)
        context.exec = try await execute(request, code: context.code)
        let scored = await rules.score(context)
        let judgeVerdict = await verdict
        let combined = scored.policy.combine(ruleScore: scored.ruleScore, judge: judgeVerdict, failedRequired: scored.failedRequired, exec: context.exec)
        record(taskType: request.taskType, scored: scored, judge: judgeVerdict, final: combined)
        logger.log(level: stageLogLevel, "Evaluated", metadata: [
            "task_type": "\(request.taskType)", "score.final": "\(combined.finalScore)", "passed": "\(combined.passed)",
            "exec.kind": "\(context.exec.map(\.kind.rawValue) ?? "none")",
        ])
        return Evaluation(
            ruleScore: scored.ruleScore, judgeScore: judgeVerdict.available ? judgeVerdict.score : nil,
            finalScore: combined.finalScore, passed: combined.passed, threshold: scored.policy.passThreshold,
            weights: scored.policy.weights, rules: scored.rules, judge: judgeVerdict, exec: context.exec,
            rulesVersion: scored.version, failedRequired: scored.failedRequired, verdictReason: combined.reason
        )
    }

    private func record(taskType: String, scored: RuleSetScore, judge: JudgeVerdict, final: ScoringPolicy.Verdict) {
        evaluations.handle(EvaluationSeries(taskType: taskType, passed: final.passed)) {
            Counter(label: "selfheal_evaluations_total", dimensions: [("task_type", taskType), ("passed", String(final.passed))])
        }.increment()
        if let rules = scored.ruleScore {
            scores.rules.record(rules)
        }
        if judge.available, let score = judge.score {
            scores.judge.record(score)
        }
        scores.final.record(final.finalScore)
        if !judge.available {
            logger.warning("Judge unavailable", metadata: ["task_type": "\(taskType)", "judge.feedback": "\(judge.feedback)"])
        }
    }
}
