/// What to do when the LLM judge gives no verdict.
public enum JudgeUnavailablePolicy: String, Codable, Sendable {
    /// Score on the rules alone.
    case rulesOnly = "rules_only"
    /// Fail the verdict.
    case fail
}

/// How rule and judge scores combine, as `rules/scoring.lua` says.
public struct ScoringPolicy: Sendable, Equatable {
    public var weights: ScoreWeights
    public var passThreshold: Double
    public var onJudgeUnavailable: JudgeUnavailablePolicy
    /// The `sandbox` table: how generated code is run (languages, timeout, task types).
    public var sandbox: SandboxSettings

    public static let defaults = ScoringPolicy(
        weights: ScoreWeights(rules: 0.4, judge: 0.6), passThreshold: 0.7, onJudgeUnavailable: .rulesOnly
    )

    public init(
        weights: ScoreWeights, passThreshold: Double, onJudgeUnavailable: JudgeUnavailablePolicy,
        sandbox: SandboxSettings = SandboxSettings()
    ) {
        self.weights = weights
        self.passThreshold = passThreshold
        self.onJudgeUnavailable = onJudgeUnavailable
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
    public func combine(ruleScore: Double?, judge: JudgeVerdict, failedRequired: [String]) -> Verdict {
        let total = weights.rules + weights.judge
        let final: Double
        // How the score was made, and what fails the verdict whatever the score is.
        let basis: String
        var blocker: String?
        switch (ruleScore, judge.available ? judge.score : nil) {
        case let (rules?, judgeScore?):
            final = total > 0 ? (weights.rules * rules + weights.judge * judgeScore) / total : 0
            basis = "rules and judge combined"
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
        if !failedRequired.isEmpty {
            blocker = "required rule failed: " + failedRequired.joined(separator: ", ")
        }
        let clamped = min(1, max(0, final))
        if let blocker {
            return Verdict(finalScore: clamped, passed: false, reason: blocker)
        }
        if clamped >= passThreshold {
            return Verdict(finalScore: clamped, passed: true, reason: "passed (\(basis)); final score at or above \(passThreshold)")
        }
        return Verdict(finalScore: clamped, passed: false, reason: "final score below the pass threshold \(passThreshold) (\(basis))")
    }
}
