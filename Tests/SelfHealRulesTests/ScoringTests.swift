import SelfHealCore
import Testing
@testable import SelfHealRules

@Suite struct ScoringTests {
    @Test func ruleScoreIsTheWeightedMeanOfApplicableRules() throws {
        let folder = try TempFolder([
            "scoring.lua": scoring(rules: 0.5, judge: 0.5, threshold: 0.6),
            "a.lua": rule("a", weight: 3, "return 1, 'good'"),
            "b.lua": rule("b", weight: 1, "return 0, 'bad'"),
            "c.lua": rule("c", weight: 5, taskTypes: ["code_review"], "return 0"),
            "d.lua": rule("d", weight: 5, "return nil"),
        ])
        let score = try RulesEngine(directory: folder.path, logger: quietLogger).scoreBlocking(pythonContext("x", "x = 1"))
        #expect(score.rules.map(\.name) == ["a", "b"])
        #expect(score.ruleScore == 0.75)
        #expect(score.failedRequired.isEmpty)
        #expect(score.policy.weights == ScoreWeights(rules: 0.5, judge: 0.5))
        #expect(score.policy.passThreshold == 0.6)
        let verdict = score.policy.combine(ruleScore: score.ruleScore, judge: JudgeVerdict(score: 0.5, feedback: "", available: true), failedRequired: score.failedRequired)
        #expect(verdict.finalScore == 0.625)
        #expect(verdict.passed)
    }

    @Test func aRequiredRuleBelowOneIsReported() throws {
        let folder = try TempFolder([
            "gate.lua": rule("gate", required: true, "return 0.9, 'almost'"),
            "other.lua": rule("other", "return 1"),
        ])
        let score = try RulesEngine(directory: folder.path, logger: quietLogger).scoreBlocking(pythonContext("x", "x = 1"))
        #expect(score.failedRequired == ["gate"])
        #expect(score.result("gate")?.required == true)
        let verdict = score.policy.combine(ruleScore: score.ruleScore, judge: JudgeVerdict(score: 1, feedback: "", available: true), failedRequired: score.failedRequired)
        #expect(!verdict.passed)
    }

    @Test func rulesSeeEveryContextField() throws {
        let folder = try TempFolder([
            "fields.lua": rule("fields", """
                return 1, table.concat({ ctx.task_type, ctx.input, ctx.output, ctx.code, ctx.language, ctx.tests,
                  tostring(ctx.exec.ran), tostring(ctx.exec.passed), tostring(ctx.exec.timed_out),
                  tostring(ctx.exec.exit_code), tostring(ctx.exec.duration_ms), ctx.exec.stderr_tail }, "|")
                """),
            "noexec.lua": rule("noexec", "return ctx.exec == nil and 1 or 0"),
        ])
        let engine = try RulesEngine(directory: folder.path, logger: quietLogger)
        let exec = ExecResult(ran: true, passed: false, timedOut: false, exitCode: 1, durationMs: 12.5, stderrTail: "AssertionError")
        let context = RuleContext(taskType: "code_generation", input: "in", output: "out", code: "code", language: "python", tests: "assert f()", exec: exec)
        let score = engine.scoreBlocking(context)
        #expect(score.result("fields")?.reason == "code_generation|in|out|code|python|assert f()|true|false|false|1|12.5|AssertionError")
        #expect(score.result("noexec")?.score == 0)
        #expect(engine.scoreBlocking(pythonContext("x", "y")).result("noexec")?.score == 1)
    }

    /// The keys a rule finds in ctx, ctx.lengths and ctx.exec (as `pairs` lists them): every
    /// documented one when the request has it, and none for what it lacks (no tests, language,
    /// run or exit code), so `ctx.tests == nil` and `next` both tell a rule what is missing.
    @Test func rulesSeeExactlyTheDocumentedKeys() throws {
        let folder = try TempFolder([
            "keys.lua": rule("keys", """
                local function keys(t)
                  if t == nil then return "-" end
                  local list = {}
                  for k, v in pairs(t) do list[#list + 1] = k .. ":" .. type(v) end
                  table.sort(list)
                  return table.concat(list, ",")
                end
                return 1, keys(ctx) .. " | " .. keys(ctx.lengths) .. " | " .. keys(ctx.exec)
                """),
        ])
        let engine = try RulesEngine(directory: folder.path, logger: quietLogger)
        let exec = ExecResult(ran: true, passed: false, timedOut: false, exitCode: 1, durationMs: 12.5, stderrTail: "AssertionError")
        let full = RuleContext(taskType: "code_generation", input: "in", output: "out", code: "code", language: "python", tests: "assert f()", exec: exec)
        #expect(engine.scoreBlocking(full).result("keys")?.reason == "code:string,exec:table,input:string,language:string,lengths:table,output:string,task_type:string,tests:string,truncated:boolean"
            + " | code:number,input:number,output:number,tests:number"
            + " | duration_ms:number,exit_code:number,kind:string,last_line:string,passed:boolean,ran:boolean,stderr_tail:string,timed_out:boolean")
        let noExitCode = ExecResult(ran: false, passed: false, timedOut: true, exitCode: nil, durationMs: 0, stderrTail: "")
        let bare = RuleContext(taskType: "code_review", input: "in", output: "out", code: "", language: nil, exec: noExitCode)
        #expect(engine.scoreBlocking(bare).result("keys")?.reason == "code:string,exec:table,input:string,lengths:table,output:string,task_type:string,truncated:boolean"
            + " | code:number,input:number,output:number"
            + " | duration_ms:number,kind:string,last_line:string,passed:boolean,ran:boolean,stderr_tail:string,timed_out:boolean")
        let none = RuleContext(taskType: "code_review", input: "in", output: "out", code: "", language: nil, exec: nil)
        #expect(engine.scoreBlocking(none).result("keys")?.reason.hasSuffix(" | -") == true)
    }

    @Test("ctx.exec.last_line is the last line of stderr that is not blank, as Python wrote it")
    func lastLineOfStderr() throws {
        let folder = try TempFolder(["last.lua": rule("last", "return 1, '<' .. ctx.exec.last_line .. '>'")])
        let engine = try RulesEngine(directory: folder.path, logger: quietLogger)
        let cases: [(stderr: String, last: String)] = [
            ("Traceback (most recent call last):\n  File \"answer.py\", line 3\nValueError: bad input  \n\n\t\n", "ValueError: bad input"),
            ("AssertionError", "AssertionError"),
            ("x\r\n[sandbox] killed: the run exceeded its time limit\r\n", "[sandbox] killed: the run exceeded its time limit"),
            ("", ""),
            (" \n\n", ""),
            ("é\nnon-ASCII: “quoted” ✓\n", "non-ASCII: “quoted” ✓"),
            // A NUL inside the line reaches the rule and comes back whole (Lua strings carry lengths).
            ("ok\nValueError: a\u{0}b\n", "ValueError: a\u{0}b"),
        ]
        for (stderr, last) in cases {
            let exec = ExecResult(ran: true, passed: false, timedOut: false, exitCode: 1, durationMs: 1, stderrTail: stderr)
            let context = RuleContext(taskType: "code_generation", input: "in", output: "out", code: "code", language: "python", exec: exec)
            #expect(engine.scoreBlocking(context).result("last")?.reason == "<\(last)>", "\(stderr.debugDescription)")
        }
    }

    /// Rules run in file order, each where its task types say: a rule naming the type runs, one
    /// naming none runs for every type, one naming only others never; a type no rule names gets
    /// the rules for every type.
    @Test func eachTaskTypeGetsItsRulesInFileOrder() throws {
        let folder = try TempFolder([
            "a.lua": rule("a", taskTypes: ["code_review"], "return 1"),
            "b.lua": rule("b", "return 1"),
            "c.lua": rule("c", taskTypes: ["code_generation", "code_review"], "return 1"),
            "d.lua": rule("d", taskTypes: ["test_generation"], "return 1"),
            "e.lua": rule("e", "return 1"),
        ])
        let engine = try RulesEngine(directory: folder.path, logger: quietLogger)
        func names(_ taskType: String) -> [String] {
            engine.scoreBlocking(RuleContext(taskType: taskType, input: "in", output: "out", code: "x = 1", language: "python")).rules.map(\.name)
        }
        for _ in 0..<2 {
            #expect(names("code_review") == ["a", "b", "c", "e"])
            #expect(names("code_generation") == ["b", "c", "e"])
            #expect(names("test_generation") == ["b", "d", "e"])
            #expect(names("sql") == ["b", "e"])
        }
    }

    @Test func noApplicableRuleGivesNoRuleScore() throws {
        let folder = try TempFolder(["a.lua": rule("a", taskTypes: ["code_review"], "return 1")])
        let score = try RulesEngine(directory: folder.path, logger: quietLogger).scoreBlocking(pythonContext("x", "y"))
        #expect(score.rules.isEmpty)
        #expect(score.ruleScore == nil)
    }
}
