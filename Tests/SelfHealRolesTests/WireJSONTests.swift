import Foundation
import SelfHealCore
@testable import SelfHealRoles
import Testing

/// The evaluation and the answer are written by hand (`JSONWriter`) on every request: the
/// bytes must be the ones `JSONEncoder` (sorted keys, unescaped slashes) writes, which clients
/// and stored rows have always had.
struct WireJSONTests {
    static let awkward = "quote \" backslash \\ slash / tab\t newline\n cr\r bell\u{7} nul\u{0} del\u{7f} é ✓ 𝄞 \u{2028}"

    static func evaluation(optionalsSet: Bool) -> Evaluation {
        Evaluation(
            ruleScore: optionalsSet ? 0.9300000000000001 : nil, judgeScore: optionalsSet ? 1 : nil, finalScore: -0.0,
            passed: optionalsSet, threshold: 0.7,
            weights: ScoreWeights(rules: 0.4, judge: 1e-7),
            rules: optionalsSet
                ? [RuleResult(name: "has_code", weight: 1, score: 1, reason: awkward, required: true),
                   RuleResult(name: "sane_length", weight: 2.5e21, score: 0.333, reason: "")]
                : [],
            judge: JudgeVerdict(score: optionalsSet ? 0.85 : nil, feedback: awkward, available: optionalsSet, confidence: optionalsSet ? 0.5 : nil),
            exec: optionalsSet
                ? ExecResult(ran: true, passed: false, timedOut: true, exitCode: -9, durationMs: 31.5, stderrTail: awkward, kind: .examples)
                : nil,
            rulesVersion: "sha256:0f/ab", failedRequired: optionalsSet ? ["has_code", awkward] : [], verdictReason: awkward
        )
    }

    @Test("an evaluation is written as JSONEncoder writes it, with and without its optional parts", arguments: [true, false])
    func evaluationBytes(optionalsSet: Bool) throws {
        let evaluation = Self.evaluation(optionalsSet: optionalsSet)
        let expected = try WireJSON.encoder().encode(evaluation)
        #expect(String(decoding: evaluation.jsonBytes, as: UTF8.self) == String(decoding: expected, as: UTF8.self))
        #expect(try JSONDecoder().decode(Evaluation.self, from: Data(evaluation.jsonBytes)) == evaluation)
    }

    @Test("an answer is written as JSONEncoder writes it, whole or around an evaluation encoded before", arguments: [true, false])
    func answerBytes(optionalsSet: Bool) throws {
        let answer = ManagerAnswer(
            requestId: "6f1c", taskType: "code_generation", language: "python", output: Self.awkward, code: "def f():\n    return '/'\n",
            evaluation: Self.evaluation(optionalsSet: optionalsSet), prompt: PromptRef(id: 9_000_000_001, version: 3, status: .canary),
            latencyMs: .init(total: 12.25, worker: 3, evaluator: 0.000123), llm: LLMInfo(provider: "openai", model: "gpt/x"),
            tokens: TokenCounts(input: 0, output: 1234)
        )
        let expected = String(decoding: try WireJSON.encoder().encode(answer), as: UTF8.self)
        #expect(String(decoding: WireJSON.data(answer), as: UTF8.self) == expected)
        let spliced = WireJSON.data(answer, evaluationJSON: Data(answer.evaluation.jsonBytes))
        #expect(String(decoding: spliced, as: UTF8.self) == expected)
    }

    @Test("numbers are written as JSONEncoder writes them", arguments: [
        0.0, -0.0, 1, -1, 0.1, 0.30000000000000004, 1e-7, 2.5e-5, 123456789.125, 1e16, 1e21, 1.7976931348623157e308, 5e-324,
    ])
    func numbers(_ value: Double) throws {
        var writer = JSONWriter()
        writer.beginArray()
        writer.number(value)
        writer.endArray()
        #expect(String(decoding: writer.bytes, as: UTF8.self) == String(decoding: try WireJSON.encoder().encode([value]), as: UTF8.self))
    }

    @Test("every control character, and every other byte of a string, is written as JSONEncoder writes it")
    func strings() throws {
        let text = String(decoding: (0..<0x80).map(UInt8.init), as: UTF8.self) + "é✓𝄞\u{2028}\u{feff}"
        var bytes: [UInt8] = []
        JSONWriter.appendString(text, to: &bytes)
        let expected = String(decoding: try WireJSON.encoder().encode([text]), as: UTF8.self)
        #expect("[" + String(decoding: bytes, as: UTF8.self) + "]" == expected)
    }
}
