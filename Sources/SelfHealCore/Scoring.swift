/// What to do when the LLM judge gives no verdict.
public enum JudgeUnavailablePolicy: String, Codable, Sendable {
    /// Score on the rules alone.
    case rulesOnly = "rules_only"
    /// Fail the verdict.
    case fail
}

/// What running the code weighs against rules and judge: the `execution` table of
/// `rules/scoring.lua`.
public struct ExecutionPolicy: Sendable, Equatable {
    public enum Mode: String, Sendable, CaseIterable {
        /// A run decides: tests that pass pass the answer unless a required rule fails or its
        /// quality is below the floor; tests that fail, or code that does not even compile or
        /// import, fail it. Without such evidence the score decides.
        case decide
        /// A run is one rule among the others; the score decides.
        case weigh
    }

    public var mode: Mode
    /// Under `decide`, the final score below which code whose tests pass still fails.
    public var qualityFloor: Double

    public static let defaults = ExecutionPolicy(mode: .decide, qualityFloor: 0.3)

    public init(mode: Mode, qualityFloor: Double) {
        self.mode = mode
        self.qualityFloor = qualityFloor
    }
}

/// How rule and judge scores combine, as `rules/scoring.lua` says.
public struct ScoringPolicy: Sendable, Equatable {
    public var weights: ScoreWeights
    public var passThreshold: Double
    public var onJudgeUnavailable: JudgeUnavailablePolicy
    /// What a run of the code decides.
    public var execution: ExecutionPolicy
    /// The `sandbox` table: how generated code is run (languages, timeout, task types).
    public var sandbox: SandboxSettings

    public static let defaults = ScoringPolicy(
        weights: ScoreWeights(rules: 0.4, judge: 0.6), passThreshold: 0.7, onJudgeUnavailable: .rulesOnly
    )

    public init(
        weights: ScoreWeights, passThreshold: Double, onJudgeUnavailable: JudgeUnavailablePolicy,
        execution: ExecutionPolicy = .defaults, sandbox: SandboxSettings = SandboxSettings()
    ) {
        self.weights = weights
        self.passThreshold = passThreshold
        self.onJudgeUnavailable = onJudgeUnavailable
        self.execution = execution
        self.sandbox = sandbox
    }

    public struct Verdict: Sendable, Equatable {
        public var finalScore: Double
        public var passed: Bool
        public var reason: String
    }

    /// final = weights.rules · rule_score + weights.judge · judge_score, divided by the sum of
    /// the weights so that weights not summing to 1 still give a score in [0, 1].
    /// `ruleScore` is nil when no rule applies to the task type: the judge then decides alone.
    /// `exec` is the sandbox's run, when there was one: under `execution.mode == .decide` it
    /// decides the verdict (see `ExecutionPolicy.Mode.decide`) and the reason says so.
    public func combine(ruleScore: Double?, judge: JudgeVerdict, failedRequired: [String], exec: ExecResult? = nil) -> Verdict {
        let total = weights.rules + weights.judge
        let final: Double
        // How the score was made, and what fails the verdict whatever the score is.
        let basis: String
        var blocker: String?
        switch (ruleScore, judge.available ? judge.score : nil) {
        case let (rules?, judgeScore?):
            // An unsure judge weighs less: its weight is scaled by the confidence it states.
            let judgeWeight = weights.judge * judge.weightFactor
            let combinedWeight = weights.rules + judgeWeight
            final = combinedWeight > 0 ? (weights.rules * rules + judgeWeight * judgeScore) / combinedWeight : rules
            basis = judge.weightFactor < 1
                ? "rules and judge combined; the judge was unsure (confidence \(Self.rounded(judge.weightFactor))), so its weight \(Self.rounded(weights.judge)) counted as \(Self.rounded(judgeWeight))"
                : "rules and judge combined"
        case let (rules?, nil) where onJudgeUnavailable == .rulesOnly:
            final = rules
            basis = "judge unavailable: scored on rules only"
        case let (rules?, nil):
            final = total > 0 ? weights.rules * rules / total : 0
            basis = "judge unavailable"
            blocker = "judge unavailable and scoring.lua says on_judge_unavailable = \"fail\""
        case let (nil, judgeScore?):
            final = judgeScore
            basis = "no rule applies: scored by the judge alone"
        case (nil, nil):
            final = 0
            basis = "nothing to score"
            blocker = "no rule applies and the judge is unavailable"
        }
        let clamped = min(1, max(0, final))
        if execution.mode == .decide, let exec, exec.ran, let decided = decide(exec, score: clamped, basis: basis, failedRequired: failedRequired, blocker: blocker) {
            return decided
        }
        if !failedRequired.isEmpty {
            blocker = "required rule failed: " + failedRequired.joined(separator: ", ")
        }
        if let blocker {
            return Verdict(finalScore: clamped, passed: false, reason: blocker)
        }
        if clamped >= passThreshold {
            return Verdict(finalScore: clamped, passed: true, reason: "passed (\(basis)); final score at or above \(passThreshold)")
        }
        return Verdict(finalScore: clamped, passed: false, reason: "final score below the pass threshold \(passThreshold) (\(basis))")
    }

    /// The verdict a run decides, or nil when it decides nothing (code that compiled or
    /// imported cleanly without tests: the score decides).
    private func decide(_ exec: ExecResult, score: Double, basis: String, failedRequired: [String], blocker: String?) -> Verdict? {
        let evidence: String
        switch exec.kind {
        case .tests: evidence = "the supplied tests"
        case .examples:
            evidence = "the examples in the request"
            if !exec.passed {
                let detail = exec.timedOut ? "they did not finish in time" : exec.lastErrorLine
                return Verdict(finalScore: score, passed: false, reason: "failed: \(evidence) fail: \(detail)")
            }
        case .syntax:
            if exec.passed { return nil }
            return Verdict(finalScore: score, passed: false, reason: exec.timedOut ? "failed: compiling the code timed out" : "failed: the code does not compile")
        case .smoke:
            if exec.passed { return nil }
            let detail = exec.timedOut ? "it did not finish importing in time" : exec.lastErrorLine.isEmpty ? "exit \(exec.exitCode.map(String.init) ?? "-")" : exec.lastErrorLine
            return Verdict(finalScore: score, passed: false, reason: "failed: the code fails its smoke run (compile, crude defects, import): \(detail)")
        }
        guard exec.passed else {
            return Verdict(finalScore: score, passed: false, reason: "failed: \(evidence) \(exec.timedOut ? "timed out" : "fail")")
        }
        if !failedRequired.isEmpty {
            return Verdict(finalScore: score, passed: false, reason: "failed: \(evidence) pass, but a required rule failed: " + failedRequired.joined(separator: ", "))
        }
        if let blocker {
            return Verdict(finalScore: score, passed: false, reason: "failed: \(evidence) pass, but \(blocker)")
        }
        if score < execution.qualityFloor {
            return Verdict(
                finalScore: score, passed: false,
                reason: "failed: \(evidence) pass, but the final score \(Self.rounded(score)) is below the quality floor \(execution.qualityFloor) (\(basis))"
            )
        }
        return Verdict(
            finalScore: score, passed: true,
            reason: "passed: \(evidence) pass (final score \(Self.rounded(score)), quality floor \(execution.qualityFloor); \(basis))"
        )
    }

    private static func rounded(_ score: Double) -> String {
        String((score * 1000).rounded() / 1000)
    }
}
