import Foundation
import SelfHealCore
import Testing
@testable import SelfHealRules

/// The shipped rules read the sandbox's verdict, and `scoring.lua` says how the sandbox runs.
@Suite struct SandboxRulesTests {
    let engine: RulesEngine

    init() throws {
        engine = try RulesEngine(directory: shippedRules, logger: quietLogger)
    }

    static let code = "def add(a: int, b: int) -> int:\n    \"\"\"Adds two numbers.\"\"\"\n    return a + b"

    @Test func failingTestsFailTheVerdictEvenWhenTheJudgeLovesIt() throws {
        let exec = ExecResult(ran: true, passed: false, timedOut: false, exitCode: 1, durationMs: 35,
                              stderrTail: "Traceback (most recent call last):\nAssertionError: add(2, 3) should be 5\n", kind: .tests)
        let scored = engine.scoreBlocking(pythonContext("Write a function add.", Self.code, exec: exec))
        #expect(scored.failedRequired == ["tests_pass"])
        let verdict = scored.policy.combine(ruleScore: scored.ruleScore, judge: JudgeVerdict(score: 1.0, feedback: "perfect", available: true), failedRequired: scored.failedRequired)
        #expect(!verdict.passed)
        #expect(verdict.reason.contains("tests_pass"))
        #expect(scored.result("tests_pass")?.reason == "supplied tests fail (exit 1): AssertionError: add(2, 3) should be 5")
    }

    @Test func passingTestsLeaveTheVerdictToTheScores() throws {
        let exec = ExecResult(ran: true, passed: true, timedOut: false, exitCode: 0, durationMs: 35, stderrTail: "", kind: .tests)
        let scored = engine.scoreBlocking(pythonContext("Write a function add.", Self.code, exec: exec))
        #expect(scored.failedRequired.isEmpty)
        #expect(scored.result("tests_pass")?.score == 1)
        #expect(scored.result("syntax_valid") == nil)
    }

    @Test func syntaxCheckIsScoredBySyntaxValidNotTestsPass() throws {
        let stderr = "Traceback (most recent call last):\n  File \"<string>\", line 1, in <module>\n  File \"main.py\", line 3\n    def add(a, b)\n                 ^\nSyntaxError: expected ':'\n"
        let exec = ExecResult(ran: true, passed: false, timedOut: false, exitCode: 1, durationMs: 20, stderrTail: stderr, kind: .syntax)
        let scored = engine.scoreBlocking(pythonContext("Write a function add.", Self.code, exec: exec))
        #expect(scored.result("tests_pass") == nil)
        #expect(scored.result("syntax_valid")?.score == 0)
        #expect(scored.result("syntax_valid")?.reason == "the code does not compile: SyntaxError: expected ':' (line 3)")

        let compiled = ExecResult(ran: true, passed: true, timedOut: false, exitCode: 0, durationMs: 20, stderrTail: "", kind: .syntax)
        let good = engine.scoreBlocking(pythonContext("Write a function add.", Self.code, exec: compiled))
        #expect(good.result("syntax_valid")?.score == 1)
    }

    @Test func shippedScoringDescribesPython() {
        let sandbox = engine.current.policy.sandbox
        #expect(sandbox.timeoutSeconds == 10)
        #expect(sandbox.languages["python"]?.run == ["python3", "-I"])
        #expect(sandbox.languages["python"]?.fileExtension == ".py")
        #expect(sandbox.languages["python"]?.check?.first == "python3")
        #expect(sandbox.taskTypes.contains("code_generation"))
        #expect(sandbox.languages["python"]?.harness == .python)
        #expect(sandbox.smokeRuns && sandbox.warmHosts)
    }

    @Test("smoke_runs is read as a boolean; anything else is refused by name")
    func smokeRunsSetting() throws {
        func load(_ value: String) throws -> SandboxSettings {
            let folder = try TempFolder(["scoring.lua": "return { sandbox = { smoke_runs = \(value) } }", "a.lua": rule("a", "return 1")])
            return try RulesEngine(directory: folder.path, logger: quietLogger).current.policy.sandbox
        }
        #expect(try load("false").smokeRuns == false)
        #expect(try load("true").smokeRuns)
        do {
            _ = try load("\"no\"")
            Issue.record("smoke_runs = \"no\" loaded")
        } catch let error as RuleLoadError {
            let text = error.problems.map(\.description).joined(separator: "\n")
            #expect(text.contains("sandbox.smoke_runs must be true or false"), "\(text)")
        }
    }

    @Test("the harness is on for Python unless the file says none, and a wrong name is refused")
    func harnessSetting() throws {
        func python(_ extra: String) throws -> SandboxSettings.Language? {
            let folder = try TempFolder([
                "scoring.lua": "return { sandbox = { languages = { python = { run = { \"python3\" }, extension = \".py\"\(extra) } } } }",
                "a.lua": rule("a", "return 1"),
            ])
            return try RulesEngine(directory: folder.path, logger: quietLogger).current.policy.sandbox.languages["python"]
        }
        #expect(try python("")?.harness == .python)
        #expect(try python(", harness = \"python\"")?.harness == .python)
        #expect(try python(", harness = \"none\"")?.harness == nil)
        do {
            _ = try python(", harness = \"pytest\"")
            Issue.record("an unknown harness loaded")
        } catch let error as RuleLoadError {
            let text = error.problems.map(\.description).joined(separator: "\n")
            #expect(text.contains("harness must be one of \"python\", \"none\""), "\(text)")
        }
    }

    @Test func operatorsCanAddALanguage() throws {
        let folder = try TempFolder([
            "scoring.lua": """
                return {
                  sandbox = {
                    timeout_seconds = 2.5,
                    languages = { sh = { run = { "sh" }, check = { "sh", "-n" }, extension = ".sh" } },
                  },
                }
                """,
            "a.lua": rule("a", "return 1"),
        ])
        let loaded = try RulesEngine(directory: folder.path, logger: quietLogger)
        let sandbox = loaded.current.policy.sandbox
        #expect(sandbox.timeoutSeconds == 2.5)
        #expect(sandbox.languages["sh"] == SandboxSettings.Language(run: ["sh"], check: ["sh", "-n"], fileExtension: ".sh"))
        // Python is still there: a language entry adds or replaces, it does not clear the rest.
        #expect(sandbox.languages["python"] == .python)
    }

    @Test func aBadSandboxTableIsRefusedWithItsLine() throws {
        let folder = try TempFolder([
            "scoring.lua": "return {\n  sandbox = {\n    timeout_seconds = -1,\n    languages = { ruby = { run = \"ruby\", extension = \".rb\" } },\n  },\n}\n",
        ])
        do {
            _ = try RulesEngine(directory: folder.path, logger: quietLogger)
            Issue.record("the folder loaded")
        } catch let error as RuleLoadError {
            let text = error.problems.map(\.description).joined(separator: "\n")
            #expect(text.contains("scoring.lua:3: sandbox.timeout_seconds"), "\(text)")
            #expect(text.contains("sandbox.languages.ruby: run must be a non-empty list"), "\(text)")
        }
    }

    @Test func rulesSeeTheKindOfRun() throws {
        let folder = try TempFolder([
            "kind.lua": rule("kind", "return ctx.exec and ctx.exec.kind == 'syntax', tostring(ctx.exec and ctx.exec.kind)"),
        ])
        let loaded = try RulesEngine(directory: folder.path, logger: quietLogger)
        let exec = ExecResult(ran: true, passed: true, timedOut: false, exitCode: 0, durationMs: 1, stderrTail: "", kind: .syntax)
        let scored = loaded.scoreBlocking(pythonContext("x", "x = 1", exec: exec))
        #expect(scored.result("kind")?.score == 1)
    }
}
