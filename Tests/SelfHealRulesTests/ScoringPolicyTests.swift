import SelfHealCore
import Testing

/// How rule and judge scores become a verdict (README.md, "Scoring rules (Lua)"), branch by branch.
@Suite struct ScoringPolicyTests {
    let judged = JudgeVerdict(score: 0.9, feedback: "good", available: true)
    let unavailable = JudgeVerdict.unavailable("judge answer was not a JSON verdict")

    @Test func rulesAndJudgeCombineByWeight() {
        let verdict = ScoringPolicy.defaults.combine(ruleScore: 0.5, judge: judged, failedRequired: [])
        #expect(abs(verdict.finalScore - (0.4 * 0.5 + 0.6 * 0.9)) < 1e-12)
        #expect(verdict.passed)
        #expect(verdict.reason == "passed (rules and judge combined); final score at or above 0.7")
    }

    @Test func anUnsureJudgeWeighsLessAndTheReasonSaysSo() {
        let unsure = JudgeVerdict(score: 0.9, feedback: "good", available: true, confidence: 0.5)
        let verdict = ScoringPolicy.defaults.combine(ruleScore: 0.5, judge: unsure, failedRequired: [])
        // The judge's 0.6 counts as 0.3: (0.4 · 0.5 + 0.3 · 0.9) / 0.7.
        #expect(abs(verdict.finalScore - (0.4 * 0.5 + 0.3 * 0.9) / 0.7) < 1e-12)
        #expect(!verdict.passed)
        #expect(verdict.reason.contains("the judge was unsure (confidence 0.5), so its weight 0.6 counted as 0.3"))
        // Stated full confidence changes nothing.
        let sure = JudgeVerdict(score: 0.9, feedback: "good", available: true, confidence: 1)
        #expect(ScoringPolicy.defaults.combine(ruleScore: 0.5, judge: sure, failedRequired: []) == ScoringPolicy.defaults.combine(ruleScore: 0.5, judge: judged, failedRequired: []))
        // A judge with no confidence at all leaves the rules to decide.
        let blind = JudgeVerdict(score: 1, feedback: "", available: true, confidence: 0)
        #expect(abs(ScoringPolicy.defaults.combine(ruleScore: 0.2, judge: blind, failedRequired: []).finalScore - 0.2) < 1e-12)
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

    // MARK: execution evidence (execution.mode = "decide", the default)

    func run(_ kind: ExecResult.Kind, passed: Bool, timedOut: Bool = false) -> ExecResult {
        ExecResult(ran: true, passed: passed, timedOut: timedOut, exitCode: passed ? 0 : 1, durationMs: 40, stderrTail: "", kind: kind)
    }

    @Test func passingTestsPassCodeWhoseScoreIsBelowTheThreshold() {
        let weak = JudgeVerdict(score: 0.4, feedback: "terse", available: true)
        let verdict = ScoringPolicy.defaults.combine(ruleScore: 0.6, judge: weak, failedRequired: [], exec: run(.tests, passed: true))
        #expect(abs(verdict.finalScore - 0.48) < 1e-12)  // quality still moves the score
        #expect(verdict.passed)
        #expect(verdict.reason.hasPrefix("passed: the supplied tests pass (final score 0.48, quality floor 0.3"))
    }

    @Test func failingTestsFailCodeWhateverItsScore() {
        let verdict = ScoringPolicy.defaults.combine(ruleScore: 1, judge: judged, failedRequired: ["tests_pass"], exec: run(.tests, passed: false))
        #expect(!verdict.passed)
        #expect(verdict.reason == "failed: the supplied tests fail")
        let slow = ScoringPolicy.defaults.combine(ruleScore: 1, judge: judged, failedRequired: ["tests_pass"], exec: run(.tests, passed: false, timedOut: true))
        #expect(slow.reason == "failed: the supplied tests timed out")
    }

    @Test func passingTestsDoNotOverruleARequiredRuleOrVeryPoorQuality() {
        let dangerous = ScoringPolicy.defaults.combine(ruleScore: 0.9, judge: judged, failedRequired: ["no_dangerous_calls"], exec: run(.tests, passed: true))
        #expect(!dangerous.passed)
        #expect(dangerous.reason == "failed: the supplied tests pass, but a required rule failed: no_dangerous_calls")
        let poor = ScoringPolicy.defaults.combine(ruleScore: 0.1, judge: JudgeVerdict(score: 0.2, feedback: "", available: true), failedRequired: [], exec: run(.tests, passed: true))
        #expect(!poor.passed)
        #expect(poor.reason.hasPrefix("failed: the supplied tests pass, but the final score 0.16 is below the quality floor 0.3"))
    }

    @Test func codeThatDoesNotCompileFailsAndCodeThatCompilesIsScored() {
        let broken = ScoringPolicy.defaults.combine(ruleScore: 0.9, judge: judged, failedRequired: [], exec: run(.syntax, passed: false))
        #expect(!broken.passed)
        #expect(broken.reason == "failed: the code does not compile")
        let compiles = ScoringPolicy.defaults.combine(ruleScore: 0.2, judge: JudgeVerdict(score: 0.5, feedback: "", available: true), failedRequired: [], exec: run(.syntax, passed: true))
        #expect(!compiles.passed)
        #expect(compiles.reason == "final score below the pass threshold 0.7 (rules and judge combined)")
    }

    @Test func weighModeLeavesTheVerdictToTheScore() {
        var policy = ScoringPolicy.defaults
        policy.execution.mode = .weigh
        let weak = JudgeVerdict(score: 0.4, feedback: "", available: true)
        let verdict = policy.combine(ruleScore: 0.6, judge: weak, failedRequired: [], exec: run(.tests, passed: true))
        #expect(!verdict.passed)
        #expect(verdict.reason == "final score below the pass threshold 0.7 (rules and judge combined)")
    }
}
