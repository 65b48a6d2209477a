import Foundation
import SelfHealCore
import Testing
@testable import SelfHealSandbox

/// Without tests, the worked examples stated in the request run against the answer in its smoke
/// run. Every form users write is read; a failing example fails the run and names the call and
/// what it returned; text that is not a usable example is scored as if absent; hostile text
/// costs the run nothing outside the sandbox.
@Suite(.serialized, .timeLimit(.minutes(3)))
struct ExampleRunTests {
    let fixture: SandboxFixture

    init() throws { fixture = try SandboxFixture() }

    static let sign = "def sign(x):\n    return (x > 0) - (x < 0)\n"
    static let wrongSign = "def sign(x):\n    return 1 if x >= 0 else -1\n"

    func run(_ code: String, request: String, entryPoint: String? = nil) async throws -> ExecResult {
        try await fixture.runner.run(SandboxJob(code: code, entryPoint: entryPoint, timeoutSeconds: 3, smoke: true, requestText: request))
    }

    static let forms: [(name: String, text: String)] = [
        ("doctest", "Write sign(x).\n\n>>> sign(0)\n0\n"),
        ("assert", "Write sign(x).\nassert sign(0) == 0\n"),
        ("prose ==", "Write sign(x), e.g. `sign(0) == 0`."),
        ("prose ->", "Write sign(x).\nsign(0) -> 0\n"),
        ("prose ➞", "Write sign(x).\nsign(0) ➞ 0\n"),
        ("prose →", "Write sign(x).\n- sign(0) → 0\n"),
        ("Example: input, output", "Write sign(x).\nExample: input 0, output 0\n"),
        ("Input / Output lines", "Write sign(x).\nInput: 0\nOutput: 0\n"),
    ]

    @Test("each example form is run: right code passes, wrong code fails naming the call", arguments: forms.map(\.name))
    func exampleForm(_ name: String) async throws {
        let text = try #require(Self.forms.first { $0.name == name }).text
        let right = try await run(Self.sign, request: text)
        #expect(right.kind == .examples && right.passed, "\(name): \(right.stderrTail)")
        let wrong = try await run(Self.wrongSign, request: text)
        #expect(wrong.kind == .examples && !wrong.passed, "\(name): \(wrong.stderrTail)")
        #expect(wrong.lastErrorLine.contains("sign(0)"), "\(name): \(wrong.stderrTail)")
    }

    @Test("text that holds no example form is not sent to be scanned; every form is, in any case")
    func onlyTextThatMayHoldExamplesIsScanned() async throws {
        for (name, text) in Self.forms {
            #expect(PythonExamples.mayHoldExamples(text), "\(name)")
        }
        for text in ["Example: input 0, output 0", "INPUT: 0\nOUTPUT: 0", ">>> x = 1", "Assert that it holds", "sign(0) == 0", "Écris sign"] {
            #expect(PythonExamples.mayHoldExamples(text), "\(text)")
        }
        for text in ["", "Write a fibonacci function", "Reverse a string.", "Implement binary search over a sorted list; return -1 when absent"] {
            #expect(!PythonExamples.mayHoldExamples(text), "\(text)")
        }
        // Scored as before: a smoke run, nothing to try.
        let plain = try await run(Self.wrongSign, request: "Write a function called sign that returns the sign of x", entryPoint: "sign")
        #expect(plain.kind == .smoke && plain.passed, "\(plain.stderrTail)")
    }

    @Test("a failing example says what the call returned and what was expected")
    func failureNamesTheResult() async throws {
        let result = try await run(Self.wrongSign, request: "sign(5) == 1\nsign(0) == 0\n")
        #expect(!result.passed)
        #expect(result.lastErrorLine == "example `sign(0)` returned 1; expected 0", "\(result.stderrTail)")
    }

    @Test("an expected exception, a printed result, setup lines and a multi-line repr are read as doctest reads them")
    func doctestSemantics() async throws {
        let code = """
            def parse(s):
                return int(s)

            def show(xs):
                print(sorted(xs))

            def pairs(n):
                return [(i, i * i) for i in range(n)]
            """
        let text = """
            >>> parse("x")
            Traceback (most recent call last):
              ...
            ValueError: invalid literal
            >>> show([3, 1, 2])
            [1, 2, 3]
            >>> xs = [5, 4]
            >>> parse(str(len(xs)))
            2
            >>> pairs(3)
            [(0, 0),
             (1, 1), (2, 4)]
            """
        let result = try await run(code, request: text)
        #expect(result.kind == .examples && result.passed, "\(result.stderrTail)")
    }

    static let notExamples: [(name: String, text: String)] = [
        ("a signature", "Write `def sign(x: int) -> int` that returns the sign."),
        ("a call on names the text never defines", "Make sure sign(value) == expected for every value."),
        ("a builtin, not the answer", "Note that len([1, 2]) == 2."),
        ("prose after the arrow", "sign(4) -> positive numbers give one"),
        ("an unparseable call", "sign(4 -> 1"),
        ("code in the expected value", "sign(4) == __import__('os').system('touch /tmp/job/pwned')"),
        ("a call in the expected value", "sign(4) == open('/etc/hostname').read()"),
    ]

    @Test("text that is not a usable example is scored as if absent", arguments: notExamples.map(\.name))
    func notAnExample(_ name: String) async throws {
        let text = try #require(Self.notExamples.first { $0.name == name }).text
        let result = try await run(Self.wrongSign, request: text)
        #expect(result.kind == .smoke && result.passed, "\(name): \(result.kind) \(result.stderrTail)")
    }

    @Test("hostile text: huge, deeply nested, endless calls; the run stays bounded and answers")
    func hostileText() async throws {
        let huge = String(repeating: "sign(1) == 1\n", count: 40_000)  // far past the size limit
        let hugeRun = try await run(Self.sign, request: huge)
        #expect(hugeRun.kind == .examples && hugeRun.passed && !hugeRun.timedOut, "\(hugeRun.stderrTail)")
        let nested = "sign(1) == " + String(repeating: "[", count: 50_000) + String(repeating: "]", count: 50_000)
        let nestedRun = try await run(Self.sign, request: nested)
        #expect(nestedRun.passed && !nestedRun.timedOut, "\(nestedRun.stderrTail)")
        let parens = String(repeating: "sign(", count: 30_000) + ") -> 1"
        let parensRun = try await run(Self.sign, request: parens)
        #expect(!parensRun.timedOut, "\(parensRun.stderrTail)")
        #expect(fixture.leftoverFiles.isEmpty)
    }

    @Test("wrong code cannot judge its own examples by rebinding the harness's example runner")
    func rebindingTheRunnerDoesNotPass() async throws {
        let forger = Self.wrongSign + "import __main__\n__main__._selfheal_examples = lambda *args: (1, None)\n"
        let result = try await run(forger, request: "sign(0) == 0\n")
        #expect(result.kind == .examples && !result.passed, "\(result.stderrTail)")
        #expect(result.lastErrorLine == "example `sign(0)` returned 1; expected 0", "\(result.stderrTail)")
    }

    @Test("an answer that loops on an example fails at the time limit, as an examples run")
    func hangingExample() async throws {
        let result = try await run("def sign(x):\n    while x > -100:\n        x = x + 0\n    return 0\n", request: "sign(1) == 1\n")
        #expect(result.kind == .examples && !result.passed && result.timedOut, "\(result.stderrTail)")
    }
}
