import Foundation
import SelfHealCore
@testable import SelfHealRoles
import SelfHealRules
import Testing

@Suite("The evaluator: the sandbox's answer decides, whatever the judge says")
struct EvaluatorTests {
    static let addTests = "def check(candidate):\n    assert candidate(2, 3) == 5, 'add(2, 3) should be 5'\n"

    @Test("a full sandbox queue is sandbox_busy, a failure the client may retry in a second")
    func busySandbox() async throws {
        let engine = try RulesEngine(directory: shippedRules, logger: quietLogger)
        let evaluator = Evaluator(rules: engine, judge: FixedJudge(), logger: quietLogger, runner: BusyRunner())
        let request = EvaluateRequest(taskType: "code_generation", userInput: "add", output: "def add(a, b):\n    return a + b", tests: Self.addTests, entryPoint: "add")
        do {
            _ = try await evaluator.evaluate(request)
            Issue.record("expected sandbox_busy")
        } catch let error as RoleError {
            guard case .sandboxBusy(let message) = error else { Issue.record("expected sandbox_busy, got \(error)"); return }
            #expect(message == SandboxError.busy(running: 2, queued: 8).description)
            let failure = RoleFailure.describe(error)
            #expect(failure.code == "sandbox_busy" && failure.failureClass == .unavailable(retryAfterSeconds: 1))
        }
    }

    @Test("failing tests fail the verdict even when the judge gives 1.0")
    func failingTestsBeatTheJudge() async throws {
        let engine = try RulesEngine(directory: shippedRules, logger: quietLogger)
        let failing = ExecResult(ran: true, passed: false, timedOut: false, exitCode: 1, durationMs: 30, stderrTail: "AssertionError\n")
        let evaluator = Evaluator(rules: engine, judge: FixedJudge(), logger: quietLogger, runner: FixedRunner(result: failing))
        let request = EvaluateRequest(taskType: "code_generation", userInput: "add", output: "def add(a, b):\n    return a - b", tests: Self.addTests, entryPoint: "add")
        let evaluation = try await evaluator.evaluate(request)
        #expect(evaluation.judgeScore == 1.0)
        #expect(!evaluation.passed)
        #expect(evaluation.exec == failing)
        #expect(evaluation.failedRequired == ["tests_pass"])
    }

    @Test("the code handed in by the manager is the code run; without it the evaluator extracts its own")
    func codeFromTheManager() async throws {
        let engine = try RulesEngine(directory: shippedRules, logger: quietLogger)
        let runner = RecordingRunner()
        let evaluator = Evaluator(rules: engine, judge: FixedJudge(), logger: quietLogger, runner: runner)
        let output = "Sure:\n```python\ndef add(a, b):\n    return a + b\n```"
        var request = EvaluateRequest(taskType: "code_generation", userInput: "add", output: output, tests: Self.addTests, entryPoint: "add")
        _ = try await evaluator.evaluate(request)
        request.code = "def add(a, b):\n    return b + a"
        _ = try await evaluator.evaluate(request)
        #expect(runner.codes == ["def add(a, b):\n    return a + b", "def add(a, b):\n    return b + a"])
    }

    @Test("tests of only white space are no tests (the code gets a smoke run); blank code without tests is not run")
    func blankTestsAndCode() async throws {
        let engine = try RulesEngine(directory: shippedRules, logger: quietLogger)
        let runner = RecordingRunner()
        let evaluator = Evaluator(rules: engine, judge: FixedJudge(), logger: quietLogger, runner: runner)
        let code = "def add(a, b):\n    return a + b"
        // Newlines of every kind, a tab, a no-break space, a line separator.
        let blank = " \n\t\r\n\u{00A0}\u{2028}\u{0085}"
        var request = EvaluateRequest(taskType: "code_generation", userInput: "add", output: code, tests: blank, entryPoint: "add")
        _ = try await evaluator.evaluate(request)
        request.code = blank
        request.tests = nil
        _ = try await evaluator.evaluate(request)
        #expect(runner.jobs.count == 1)
        // A space carrying a combining mark is text, as Foundation's trimming has it: it runs.
        request.tests = " \u{0301}"
        _ = try await evaluator.evaluate(request)
        #expect(runner.jobs.count == 2)
        #expect(runner.jobs.last?.tests == " \u{0301}")
        #expect(runner.jobs.first?.code == code)
        #expect(runner.jobs.first?.tests == nil)
        #expect(runner.jobs.first?.kind == (engine.current.policy.sandbox.smokeRuns ? .smoke : .syntax))
    }
}

@Suite("Input refinement")
struct InputRefinementTests {
    @Test("input is normalised and the language detected before it reaches the worker")
    func refinement() {
        #expect(InputRefinement.normalize("  Write   a\tfunction \r\n\r\n\r\n\r\nplease  ") == "Write a function\n\nplease")
        #expect(InputRefinement.normalize("def f():\n    return  1") == "def f():\n    return 1")
        #expect(InputRefinement.detectLanguage(in: "Write a binary search in Rust") == "rust")
        #expect(InputRefinement.detectLanguage(in: "a Go function that sums a slice") == "go")
        #expect(InputRefinement.detectLanguage(in: "go through the list and sum it") == nil)
        #expect(InputRefinement.detectLanguage(in: "Implement quicksort in C++") == "cpp")
        #expect(InputRefinement.detectLanguage(in: "Write a fibonacci function") == nil)
    }

    @Test("ASCII input takes the quick paths and comes out exactly as the general paths make it")
    func quickPathsMatchTheGeneralOnes() {
        #expect(InputRefinement.isNormalASCII("Write a function add(a, b) that returns the sum"))
        #expect(InputRefinement.isNormalASCII("Fix this:\n\n    def f(x):\n\treturn x"))
        for changed in ["a ", " a", "a\n", "\na", "a\n\n\nb", "a\n  \nb", "a  b", "a\tb", "a\r\nb", "a\u{00A0}b", "a\n \t"] {
            #expect(!InputRefinement.isNormalASCII(changed), "\(changed.debugDescription)")
        }
        // Every short text over blanks, line ends, letters and non-ASCII: the same result
        // either way, and many of them on the quick path.
        let alphabet = [" ", "\t", "\n", "\r", "\r\n", "a", "B", "7", ".", "+", "#", "\u{00A0}", "é"]
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        var quick = 0
        for _ in 0..<20_000 {
            var text = ""
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            for step in 0..<Int(state >> 60) {
                text += alphabet[Int((state >> UInt64(4 * step % 56)) & 0xFF) % alphabet.count]
            }
            if InputRefinement.isNormalASCII(text) { quick += 1 }
            #expect(InputRefinement.normalize(text) == InputRefinement.normalizeAnyText(text), "\(text.debugDescription)")
            #expect(InputRefinement.tokens(text) == InputRefinement.unicodeTokens(text), "\(text.debugDescription)")
        }
        #expect(quick > 1_000, "\(quick) texts took the quick path")
    }

    /// The language found reading ASCII in place is the one found over the split words, for
    /// texts made of language names, cues, code nouns, dots and other words in any order.
    @Test func languageReadInPlaceMatchesTheWords() {
        let words = ["in", "using", "With", "go", "Go.", "c", "C++", "c#", "function", "code.", "rust", "Rust...", "...", ".", "write",
                     "a", "swift", "java", "JAVA", "py3", "node.js", "nodejs.", "sql", "golang", "x", "shell", "script", "é", "7"]
        let separators = [" ", "  ", ",", "\n", "(", ") ", "-", "é "]
        var state: UInt64 = 0x2545_F491_4F6C_DD1D
        var found = 0
        for _ in 0..<20_000 {
            var text = ""
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            var bits = state
            for _ in 0..<Int(state >> 61) + 1 {
                text += words[Int(bits % UInt64(words.count))]
                bits /= UInt64(words.count)
                text += separators[Int(bits % UInt64(separators.count))]
                bits /= UInt64(separators.count)
            }
            let expected = InputRefinement.language(among: InputRefinement.tokens(text))
            #expect(InputRefinement.detectLanguage(in: text) == expected, "\(text.debugDescription)")
            if expected != nil { found += 1 }
        }
        #expect(found > 2_000, "\(found) texts named a language")
    }
}

private struct FixedJudge: Judging {
    func judge(taskType: String, userInput: String, output: String) async -> JudgeVerdict {
        JudgeVerdict(score: 1.0, feedback: "flawless", available: true)
    }
}

private struct BusyRunner: CodeRunning {
    func run(_ job: SandboxJob) async throws -> ExecResult { throw SandboxError.busy(running: 2, queued: 8) }
}

private struct FixedRunner: CodeRunning {
    let result: ExecResult
    func run(_ job: SandboxJob) async throws -> ExecResult { result }
}

/// Passes every job and keeps the jobs it was given.
private final class RecordingRunner: CodeRunning, @unchecked Sendable {
    private let lock = NSLock()
    private var received: [SandboxJob] = []
    var jobs: [SandboxJob] { lock.withLock { received } }
    var codes: [String] { jobs.map(\.code) }

    func run(_ job: SandboxJob) async throws -> ExecResult {
        lock.withLock { received.append(job) }
        return ExecResult(ran: true, passed: true, timedOut: false, exitCode: 0, durationMs: 1, stderrTail: "")
    }
}
