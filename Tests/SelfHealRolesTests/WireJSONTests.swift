import Foundation
@testable import SelfHealCore
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

    /// Whole numbers take a path of their own: it must agree with `description` everywhere,
    /// around its edges (1e15, -0, the largest doubles) and for integers of every size.
    @Test func numbersOfEveryKindAgainstTheEncoder() throws {
        var values: [Double] = [1e15, -1e15, 999_999_999_999_999, 1e15 - 0.5, 1e15 + 2, 4_503_599_627_370_496, 9_007_199_254_740_993, -0.0, 0.5, -2, 1e300]
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<3_000 {
            let bits = Double(bitPattern: generator.next())
            if bits.isFinite { values.append(bits) }
            values.append(Double(Int.random(in: -10_000...10_000, using: &generator)))
            values.append(Double(Int64.random(in: Int64.min...Int64.max, using: &generator)))
            values.append(Double(Int.random(in: 0...1000, using: &generator)) / 8)
        }
        var writer = JSONWriter()
        writer.beginArray()
        for value in values { writer.number(value) }
        writer.endArray()
        #expect(String(decoding: writer.bytes, as: UTF8.self) == String(decoding: try WireJSON.encoder().encode(values), as: UTF8.self))
        var integers = JSONWriter()
        let ints = [0, -1, 7, Int.max, Int.min, 1_000_000] + (0..<500).map { _ in Int.random(in: Int.min...Int.max) }
        integers.beginArray()
        for value in ints { integers.number(value) }
        integers.endArray()
        #expect(String(decoding: integers.bytes, as: UTF8.self) == String(decoding: try WireJSON.encoder().encode(ints), as: UTF8.self))
    }

    @Test("the eight-byte test finds exactly the words holding a byte to escape")
    func wordTest() {
        func truth(_ word: UInt64) -> Bool {
            (0..<8).contains { let byte = UInt8(truncatingIfNeeded: word >> (8 * $0)); return byte < 0x20 || byte == 0x22 || byte == 0x5C }
        }
        let plain = UInt64(0x6161_6161_6161_6161)
        for byte in 0..<UInt64(256) {
            for position in 0..<UInt64(8) {
                let word = plain & ~(0xFF << (8 * position)) | byte << (8 * position)
                #expect(JSONWriter.mayNeedEscape(word) == truth(word), "byte \(byte) at \(position)")
            }
        }
        var state: UInt64 = 0x2545_F491_4F6C_DD1D
        for _ in 0..<100_000 {
            state ^= state << 13; state ^= state >> 7; state ^= state << 17
            #expect(JSONWriter.mayNeedEscape(state) == truth(state))
        }
    }

    @Test("strings of every length and mix are written as one byte at a time would write them")
    func stringsAgainstBytewise() {
        func bytewise(_ text: String) -> [UInt8] {
            var out: [UInt8] = [0x22]
            for byte in text.utf8 {
                switch byte {
                case 0x22, 0x5C: out += [0x5C, byte]
                case 0x0A: out += Array("\\n".utf8)
                case 0x09: out += Array("\\t".utf8)
                case 0x0D: out += Array("\\r".utf8)
                case 0x08: out += Array("\\b".utf8)
                case 0x0C: out += Array("\\f".utf8)
                case ..<0x20: out += Array(String(format: "\\u%04x", Int(byte)).utf8)
                default: out.append(byte)
                }
            }
            return out + [0x22]
        }
        let pieces = ["a", "bcdefgh", "\"", "\\", "\n", "\u{1}", "\u{1f}", " ", "é", "✓", "𝄞", "\u{7f}", "~"]
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        for _ in 0..<20_000 {
            state ^= state << 13; state ^= state >> 7; state ^= state << 17
            var text = ""
            var bits = state
            for _ in 0..<Int(state % 29) {
                text += pieces[Int(bits % UInt64(pieces.count))]
                bits /= UInt64(pieces.count)
                if bits == 0 { bits = state >> 3 }
            }
            var bytes: [UInt8] = []
            JSONWriter.appendString(text, to: &bytes)
            #expect(bytes == bytewise(text), "\(text.debugDescription)")
            // A writer grows while it escapes: from its smallest room, after a few bytes already
            // written (a key), with a value after, so every escape may land at its edge.
            var writer = JSONWriter(capacity: 0)
            writer.beginObject()
            writer.key(named: String(repeating: "k", count: Int(state >> 60)))
            writer.string(text + text)
            writer.key("n")
            writer.number(1)
            writer.endObject()
            let key = bytewise(String(repeating: "k", count: Int(state >> 60)))
            #expect(writer.bytes == [UInt8(ascii: "{")] + key + [UInt8(ascii: ":")] + bytewise(text + text) + Array(",\"n\":1}".utf8), "\(text.debugDescription)")
        }
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
