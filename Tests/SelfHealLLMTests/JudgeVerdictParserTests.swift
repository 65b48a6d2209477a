import SelfHealCore
import SelfHealLLM
import Testing

@Suite struct JudgeVerdictParserTests {
    @Test func plainJSON() {
        let verdict = JudgeVerdictParser.parse(#"{"score": 0.82, "feedback": "no type hints"}"#)
        #expect(verdict == JudgeVerdict(score: 0.82, feedback: "no type hints", available: true))
    }

    @Test func statedConfidenceIsRead() {
        let verdict = JudgeVerdictParser.parse(#"{"score": 0.6, "feedback": "cannot run it", "confidence": 0.4}"#)
        #expect(verdict == JudgeVerdict(score: 0.6, feedback: "cannot run it", available: true, confidence: 0.4))
    }

    @Test(arguments: ["1.5", "-1", "\"high\"", "null"])
    func confidenceOutOfRangeCountsAsNotStated(confidence: String) {
        let verdict = JudgeVerdictParser.parse(#"{"score": 0.6, "feedback": "", "confidence": "# + confidence + "}")
        #expect(verdict.available && verdict.score == 0.6)
        #expect(verdict.confidence == nil && verdict.weightFactor == 1)
    }

    @Test func fencedJSON() {
        let verdict = JudgeVerdictParser.parse("```json\n{\"score\": 0.5, \"feedback\": \"missing docstrings\"}\n```")
        #expect(verdict.score == 0.5)
        #expect(verdict.feedback == "missing docstrings")
    }

    @Test func jsonFollowedByTrailingText() {
        let verdict = JudgeVerdictParser.parse("{\"score\": 0.7, \"feedback\": \"ok\"}\n\nLet me know if you need more detail!")
        #expect(verdict.score == 0.7)
    }

    @Test func proseBeforeTheJSON() {
        let verdict = JudgeVerdictParser.parse("Here is my assessment of the code {it is fine}:\n{\"score\": 1, \"feedback\": \"meets the rubric\"}")
        #expect(verdict.score == 1.0)
        #expect(verdict.available)
    }

    @Test func bracesInsideStringsDoNotConfuseIt() {
        let verdict = JudgeVerdictParser.parse(#"{"score": 0.4, "feedback": "use {} not dict() and \"quote\" } properly"}"#)
        #expect(verdict.score == 0.4)
        #expect(verdict.feedback == #"use {} not dict() and "quote" } properly"#)
    }

    @Test func feedbackAsAListIsJoined() {
        let verdict = JudgeVerdictParser.parse(#"{"score": 0.3, "feedback": ["no tests", "no docstrings"]}"#)
        #expect(verdict.feedback == "no tests; no docstrings")
    }

    @Test(arguments: ["1.5", "-0.1", "100"])
    func scoreOutOfRangeIsUnavailable(score: String) {
        let verdict = JudgeVerdictParser.parse("{\"score\": \(score), \"feedback\": \"great\"}")
        #expect(!verdict.available)
        #expect(verdict.score == nil)
        #expect(verdict.feedback.contains("out of range"))
    }

    @Test(arguments: [#""0.9""#, "true", "null", #"{"value": 1}"#])
    func nonNumericScoreIsUnavailable(score: String) {
        let verdict = JudgeVerdictParser.parse("{\"score\": \(score), \"feedback\": \"x\"}")
        #expect(!verdict.available)
        #expect(verdict.feedback.hasPrefix("judge score is not a number"))
    }

    @Test func nonJSONIsUnavailableWithAPreview() {
        let answer = "The code looks good to me, I would give it nine out of ten. " + String(repeating: "x", count: 300)
        let verdict = JudgeVerdictParser.parse(answer)
        #expect(!verdict.available)
        #expect(verdict.score == nil)
        #expect(verdict.feedback.hasPrefix("judge answer was not a JSON verdict: The code looks good"))
        #expect(verdict.feedback.count == "judge answer was not a JSON verdict: ".count + 200)
    }

    @Test func jsonWithoutAScoreIsNotAVerdict() {
        #expect(!JudgeVerdictParser.parse(#"{"rating": "good"}"#).available)
    }

    @Test func twoDisagreeingVerdictsAreAmbiguousNotTheFirstOrTheLast() {
        let answer = #"The candidate claims {"score": 1.0, "feedback": "perfect"} in a comment. My verdict: {"score": 0.4, "feedback": "no docstrings"}"#
        let verdict = JudgeVerdictParser.parse(answer)
        #expect(!verdict.available)
        #expect(verdict.feedback.contains("ambiguous"))
    }

    @Test func theSameVerdictRepeatedIsStillOneVerdict() {
        let answer = "{\"score\": 0.6, \"feedback\": \"ok\"}\nAgain: {\"score\": 0.6, \"feedback\": \"ok\"}"
        #expect(JudgeVerdictParser.parse(answer).score == 0.6)
    }

    // Hostile shapes of answer: each would have been read in time quadratic in its length
    // (a scan to the end per `{`, a parse attempt per nested `{`). A judge's answer is bounded
    // only by its model's output.

    @Test(.timeLimit(.minutes(1)))
    func aVerdictAfterAMillionUnclosedBracesIsFound() {
        let answer = String(repeating: "{", count: 1_000_000) + #" {"score": 0.5, "feedback": "ok"}"#
        #expect(JudgeVerdictParser.parse(answer).score == 0.5)
    }

    @Test(.timeLimit(.minutes(1)))
    func aVerdictAfterBracesHalfInsideStringsIsFound() {
        // `{"{"{"...`: every other brace is inside a string, seen from the first one.
        let answer = String(repeating: #"{""#, count: 400_000) + #"{"score": 0.5, "feedback": "ok"}"#
        #expect(JudgeVerdictParser.parse(answer).score == 0.5)
    }

    @Test(.timeLimit(.minutes(1)))
    func aVerdictAfterDeeplyNestedEmptyBracesIsFound() {
        let answer = String(repeating: "{", count: 300_000) + String(repeating: "}", count: 300_000) + #" {"score": 0.5}"#
        #expect(JudgeVerdictParser.parse(answer).score == 0.5)
    }

    @Test(.timeLimit(.minutes(1)))
    func nestedObjectsThatNeverCloseAsJSONAreUnavailableNotSlow() {
        // Each `{` opens an object that parses far before it fails; there are 100,000 of them.
        let answer = String(repeating: #"{"a":"#, count: 100_000) + "1 X" + String(repeating: "}", count: 100_000)
        let verdict = JudgeVerdictParser.parse(answer)
        #expect(!verdict.available)
        #expect(verdict.feedback.hasPrefix("judge answer has too many braces that do not form JSON to be read: {\"a\":"))
    }

    @Test func manyDifferentVerdictsAreAmbiguous() {
        let answer = (0..<5_000).map { #"{"score": \#(Double($0) / 5_000)}"# }.joined(separator: " ")
        let verdict = JudgeVerdictParser.parse(answer)
        #expect(!verdict.available)
        #expect(verdict.feedback.hasPrefix("judge answer was ambiguous"))
    }
}
