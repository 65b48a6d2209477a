import SelfHealCore
import SelfHealLua

/// `selfheal bench rules`, second half: how long the rules take on 160 KB answers shaped to hurt
/// them (long runs of blank lines, thousands of `...` bodies between docstrings, a `def ` every
/// few bytes, one line of 160 KB, ...). Whatever the patterns, a long answer must cost no more
/// than a few hundredths of a second: rules see it through `BoundedText`.
extension RulesBenchmark {
    static let longAnswerBytes = 160 * 1024
    /// The target the benchmark reports against, per 160 KB answer, every shape.
    static let longAnswerTarget = 0.050

    /// (label, task type, output) for each shape, each `longAnswerBytes` long or a little more.
    static func longAnswers() -> [(label: String, taskType: String, output: String)] {
        let size = longAnswerBytes
        func repeated(_ unit: String, prefix: String = "", suffix: String = "") -> String {
            let count = max(1, (size - prefix.utf8.count - suffix.utf8.count) / max(1, unit.utf8.count))
            return prefix + String(repeating: unit, count: count) + suffix
        }
        let typical = SampleOutputs.samples[0].context.output
        return [
            ("typical answer, repeated", TaskTypes.codeGeneration, repeated(typical + "\n")),
            ("blank lines around `...`", TaskTypes.codeGeneration, repeated("\n", prefix: "def f():\n", suffix: "    ...\n")),
            ("docstrings and `...` bodies", TaskTypes.codeGeneration, repeated("def f():\n    \"\"\"d\"\"\"\n    ...\n")),
            ("`def ` every few bytes", TaskTypes.codeGeneration, repeated("def f(")),
            ("one line of 160 KB", TaskTypes.codeGeneration, repeated("x = (1, 2, 'a', \"b\") # ")),
            ("`implement` without `here`", TaskTypes.codeGeneration, repeated(" a", prefix: "# Implement")),
            ("open quotes and brackets", TaskTypes.codeGeneration, repeated("\"\"\" ( [ { ' \" ")),
            ("`eval` before spaces", TaskTypes.codeGeneration, repeated(" ", prefix: "x = eval")),
            ("test file, many asserts", TaskTypes.testGeneration, repeated("def test_x():\n    assert f( ) == 1\n")),
            ("review, many bullet lines", TaskTypes.codeReview, repeated("- issue on line 3: (\n")),
        ]
    }

    /// One line per shape (median and worst of `runs` scores) and whether the target was met.
    static func longAnswerRows(engine: RulesEngine, runs: Int = 5) -> String {
        let clock = ContinuousClock()
        var out = "long answers (\(longAnswerBytes / 1024) KB each; rules see \(BoundedText.limit / 1024) KB of it, head and tail):\n"
        var worst = 0.0
        for shape in longAnswers() {
            let context = RuleContext(
                taskType: shape.taskType, input: "Write a function called `f`.", output: shape.output,
                code: CodeExtraction.code(from: shape.output, language: "python"), language: "python"
            )
            var samples: [Double] = []
            for _ in 0..<runs {
                let start = clock.now
                _ = engine.scoreBlocking(context)
                samples.append((clock.now - start).secondsValue)
            }
            worst = max(worst, samples.max() ?? 0)
            let slowest = engine.evaluate(context, on: engine.current).max { $0.seconds < $1.seconds }
            let line = row("  " + shape.label, samples, iterations: runs).dropLast()
            out += line + (slowest.map { "  slowest rule: \($0.result.name) \(micros($0.seconds))" } ?? "") + "\n"
        }
        let verdict = worst < longAnswerTarget ? "met" : "NOT met"
        out += "target < \(Int(longAnswerTarget * 1000)) ms per 160 KB answer, every shape: \(verdict) (worst \(micros(worst)))\n"
        return out
    }
}
