import SelfHealCore
import Testing

/// How rule and judge scores become a verdict (DESIGN §4), branch by branch.
@Suite struct ScoringPolicyTests {
    let judged = JudgeVerdict(score: 0.9, feedback: "good", available: true)
    let unavailable = JudgeVerdict.unavailable("judge answer was not a JSON verdict")

    @Test func rulesAndJudgeCombineByWeight() {
        let verdict = ScoringPolicy.defaults.combine(ruleScore: 0.5, judge: judged, failedRequired: [])
        #expect(abs(verdict.finalScore - (0.4 * 0.5 + 0.6 * 0.9)) < 1e-12)
        #expect(verdict.passed)
        #expect(verdict.reason == "passed (rules and judge combined); final score at or above 0.7")
    }

    @Test func belowTheThresholdFailsAndSaysSo() {
        let verdict = ScoringPolicy.defaults.combine(ruleScore: 0.2, judge: JudgeVerdict(score: 0.5, feedback: "", available: true), failedRequired: [])
        #expect(!verdict.passed)
        #expect(verdict.reason == "final score below the pass threshold 0.7 (rules and judge combined)")
    }

    @Test func weightsThatDoNotSumToOneAreNormalised() {
        let policy = ScoringPolicy(weights: ScoreWeights(rules: 0.5, judge: 1.0), passThreshold: 0.7, onJudgeUnavailable: .rulesOnly)
        let verdict = policy.combine(ruleScore: 1, judge: JudgeVerdict(score: 1, feedback: "", available: true), failedRequired: [])
        #expect(verdict.finalScore == 1)
    }

    @Test func anUnavailableJudgeScoresOnRulesOnlyByDefault() {
        let verdict = ScoringPolicy.defaults.combine(ruleScore: 0.8, judge: unavailable, failedRequired: [])
        #expect(verdict.finalScore == 0.8)
        #expect(verdict.passed)
        #expect(verdict.reason.contains("judge unavailable: scored on rules only"))
    }

    @Test func anUnavailableJudgeFailsWhenScoringLuaSaysFail() {
        let policy = ScoringPolicy(weights: ScoreWeights(rules: 0.4, judge: 0.6), passThreshold: 0.3, onJudgeUnavailable: .fail)
        let verdict = policy.combine(ruleScore: 1, judge: unavailable, failedRequired: [])
        #expect(abs(verdict.finalScore - 0.4) < 1e-12)
        #expect(!verdict.passed)  // 0.4 is above this threshold, but the policy says fail
        #expect(verdict.reason.contains("on_judge_unavailable = \"fail\""))
    }

    @Test func withNoApplicableRuleTheJudgeDecidesAlone() {
        let verdict = ScoringPolicy.defaults.combine(ruleScore: nil, judge: judged, failedRequired: [])
        #expect(verdict.finalScore == 0.9)
        #expect(verdict.passed)
        let nothing = ScoringPolicy.defaults.combine(ruleScore: nil, judge: unavailable, failedRequired: [])
        #expect(nothing.finalScore == 0 && !nothing.passed)
        #expect(nothing.reason == "no rule applies and the judge is unavailable")
    }

    @Test func aFailedRequiredRuleFailsWhateverTheScore() {
        let verdict = ScoringPolicy.defaults.combine(ruleScore: 1, judge: JudgeVerdict(score: 1, feedback: "", available: true), failedRequired: ["tests_pass"])
        #expect(verdict.finalScore == 1)
        #expect(!verdict.passed)
        #expect(verdict.reason == "required rule failed: tests_pass")
    }
}
