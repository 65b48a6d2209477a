import SelfHealCore
@testable import SelfHealLLM
import SelfHealTestSupport
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

    // Hostile shapes of answer. Read by trying every `{` afresh, each would cost time quadratic
    // in its length (a scan to the end per `{`, a parse attempt per nested `{`); the reader stops
    // after 16 bytes read per byte of answer, so at these sizes an answer that still needed that
    // would come back unreadable instead of with its verdict. Small on purpose: the whole suite
    // shares two threads with servers other tests wait on.

    @Test func aVerdictAfterUnclosedBracesIsFound() {
        let answer = String(repeating: "{", count: 50_000) + #" {"score": 0.5, "feedback": "ok"}"#
        #expect(JudgeVerdictParser.parse(answer).score == 0.5)
    }

    @Test func aVerdictAfterBracesHalfInsideStringsIsFound() {
        // `{"{"{"...`: every other brace is inside a string, seen from the first one.
        let answer = String(repeating: #"{""#, count: 20_000) + #"{"score": 0.5, "feedback": "ok"}"#
        #expect(JudgeVerdictParser.parse(answer).score == 0.5)
    }

    @Test func aVerdictAfterDeeplyNestedEmptyBracesIsFound() {
        let answer = String(repeating: "{", count: 20_000) + String(repeating: "}", count: 20_000) + #" {"score": 0.5}"#
        #expect(JudgeVerdictParser.parse(answer).score == 0.5)
    }

    @Test func nestedObjectsThatNeverCloseAsJSONAreUnavailable() {
        // Each `{` opens an object that parses far before it fails (up to the nesting bound).
        let answer = String(repeating: #"{"a":"#, count: 5_000) + "1 X" + String(repeating: "}", count: 5_000)
        let verdict = JudgeVerdictParser.parse(answer)
        #expect(!verdict.available)
        #expect(verdict.feedback.hasPrefix("judge answer has too many braces that do not form JSON to be read: {\"a\":"))
    }

    @Test func manyDifferentVerdictsAreAmbiguous() {
        let answer = (0..<500).map { #"{"score": \#(Double($0) / 500)}"# }.joined(separator: " ")
        let verdict = JudgeVerdictParser.parse(answer)
        #expect(!verdict.available)
        #expect(verdict.feedback.hasPrefix("judge answer was ambiguous"))
    }

    @Test func findsTheSameObjectsAsAScanFromEveryBrace() {
        // Random short answers over the characters that matter: the bounded reader must find
        // exactly what trying every `{` afresh (the reader before it) finds.
        var generator = SplitMix64(seed: 31)
        let alphabet = Array(#"{}{}""\a:1, "#.utf8)
        for _ in 0..<5_000 {
            let length = Int(generator.next() % 40)
            let answer = String(decoding: (0..<length).map { _ in alphabet[Int(generator.next() % UInt64(alphabet.count))] }, as: UTF8.self)
            #expect(JudgeVerdictParser.jsonObjects(in: answer) == Self.everyBrace(answer), "\(answer)")
        }
    }

    /// The reference: from every `{`, a scan to its closing brace, then a parse.
    private static func everyBrace(_ text: String) -> [[String: JSONValue]] {
        let characters = Array(text.utf8)
        var objects: [[String: JSONValue]] = []
        var index = 0
        while index < characters.count {
            var end: Int?
            if characters[index] == UInt8(ascii: "{") {
                var depth = 0, inString = false, escaped = false
                for position in index..<characters.count where end == nil {
                    let character = characters[position]
                    if inString {
                        if escaped { escaped = false } else if character == UInt8(ascii: "\\") { escaped = true } else if character == UInt8(ascii: "\"") { inString = false }
                    } else if character == UInt8(ascii: "\"") {
                        inString = true
                    } else if character == UInt8(ascii: "{") {
                        depth += 1
                    } else if character == UInt8(ascii: "}") {
                        depth -= 1
                        if depth == 0 { end = position }
                    }
                }
            }
            if let end, case .object(let object)? = try? JSONValue.parse(characters[index...end]) {
                objects.append(object)
                index = end + 1
            } else {
                index += 1
            }
        }
        return objects
    }
}

