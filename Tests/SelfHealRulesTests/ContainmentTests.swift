import SelfHealCore
import SelfHealLua
import Testing
@testable import SelfHealRules

/// Each hostile or broken rule scores 0 with a reason saying what happened, the other rules
/// still score, and the next evaluation works.
@Suite struct ContainmentTests {
    static let hostile: [(file: String, body: String, reason: String)] = [
        ("loop.lua", "while true do end", "rule 'loop' exceeded its instruction budget"),
        ("alloc.lua", "local s = string.rep('x', 1024 * 1024 * 1024) return 1", "rule 'alloc' exceeded its memory cap"),
        ("execute.lua", "os.execute('touch /tmp/selfheal-pwned') return 1", "rule 'execute' failed: "),
        ("io.lua", "local f = io.open('/etc/passwd') return 1", "rule 'io' failed: "),
        ("require.lua", "local os2 = require('os') return 1", "rule 'require' failed: "),
        ("binary.lua", "local f, err = load('\\27LuaT\\0\\25\\147') if not f then error(err) end return 1", "binary chunk"),
        ("runtime.lua", "local t = nil\n    return t.field", "rule 'runtime' failed: "),
    ]

    @Test func everyHostileRuleIsContainedAndOthersStillScore() async throws {
        var files = ["scoring.lua": scoring(), "zz_good.lua": rule("zz_good", "return 1, 'fine'")]
        for entry in Self.hostile {
            files[entry.file] = rule(String(entry.file.dropLast(4)), entry.body)
        }
        let folder = try TempFolder(files)
        let engine = try RulesEngine(directory: folder.path, limits: LuaLimits(instructionBudget: 100_000, memoryBytes: 8 << 20), logger: quietLogger)
        let context = pythonContext("anything", "def f(): pass")
        for round in 1...2 {
            let score = await engine.score(context)
            #expect(score.rules.count == Self.hostile.count + 1, "round \(round)")
            for entry in Self.hostile {
                let result = try #require(score.result(String(entry.file.dropLast(4))))
                #expect(result.score == 0)
                #expect(result.reason.contains(entry.reason), "\(result.reason)")
            }
            #expect(score.result("zz_good")?.score == 1)
            #expect(score.result("zz_good")?.reason == "fine")
        }
        #expect(score(engine).contains("nil value (field 'execute')"))
        #expect(score(engine).contains("nil value (global 'io')"))
        #expect(score(engine).contains("nil value (global 'require')"))
        #expect(score(engine).contains("runtime.lua:6:"))
    }

    private func score(_ engine: RulesEngine) -> String {
        engine.scoreBlocking(pythonContext("anything", "def f(): pass")).rules.map(\.reason).joined(separator: "\n")
    }

    @Test func aBadReturnValueScoresZeroWithAReason() throws {
        let folder = try TempFolder([
            "high.lua": rule("high", "return 1.5"),
            "table.lua": rule("table", "return {}"),
            "bool.lua": rule("bool", "return true, 'yes'"),
        ])
        let score = try RulesEngine(directory: folder.path, logger: quietLogger).scoreBlocking(pythonContext("x", "y = 1"))
        #expect(score.result("high")?.score == 0)
        #expect(score.result("high")?.reason == "rule 'high' returned the score 1.5, outside [0, 1]")
        #expect(score.result("table")?.reason == "rule 'table' returned a table instead of a score in [0, 1]")
        #expect(score.result("bool")?.score == 1)
    }

    /// The rule runs under a C frame of ours (the copier of its `ctx`): a rule that recurses
    /// without end, through Lua calls or through a metamethod (each a C call), fails cleanly
    /// with its own reason, and the rules after it get their fresh `ctx` in every pass.
    @Test func endlessRecursionFailsOnlyItsRule() throws {
        let folder = try TempFolder([
            "a.lua": rule("deep", "local function f(n) return f(n + 1) + 1 end return f(1)"),
            "b.lua": rule("meta", "local t = setmetatable({}, { __index = function(t, k) return t[k] end }) return t.x"),
            "c.lua": rule("caught", "local function f(n) return f(n + 1) + 1 end local ok = pcall(f, 1) return ok and 0 or 1, 'caught'"),
            "d.lua": rule("after", "return ctx.code == 'x = 1' and ctx.lengths.code == 5 and 1 or 0, ctx.code"),
        ])
        let engine = try RulesEngine(directory: folder.path, logger: quietLogger)
        for _ in 0..<3 {
            let score = engine.scoreBlocking(pythonContext("x", "x = 1"))
            for name in ["deep", "meta"] {
                #expect(score.result(name)?.score == 0, "\(name)")
                #expect(score.result(name)?.reason.hasPrefix("rule '\(name)'") == true, "\(String(describing: score.result(name)?.reason))")
            }
            #expect(score.result("after")?.score == 1)
            #expect(score.result("after")?.reason == "x = 1")
            // Caught inside the rule, an overflow is the rule's to handle; or a bound stops it
            // (its budget, or on a loaded machine its wall clock: seen in a full test run).
            let caught = try #require(score.result("caught"))
            let bounded = ["rule 'caught' exceeded", "rule 'caught' ran past its wall-clock limit"].contains { caught.reason.hasPrefix($0) }
            #expect(caught.score == 1 || bounded, "\(caught.reason)")
        }
    }

    @Test func aRuleCannotChangeWhatTheNextRuleSees() throws {
        let folder = try TempFolder([
            "a.lua": rule("a", "ctx.code = 'hijacked'; ctx.exec.passed = false; return 1"),
            "b.lua": rule("b", "return (ctx.code == 'x = 1' and ctx.exec.passed) and 1 or 0, ctx.code"),
        ])
        let exec = ExecResult(ran: true, passed: true, timedOut: false, exitCode: 0, durationMs: 3, stderrTail: "")
        let engine = try RulesEngine(directory: folder.path, logger: quietLogger)
        for _ in 0..<3 {
            #expect(engine.scoreBlocking(pythonContext("x", "x = 1", exec: exec)).result("b")?.score == 1)
        }
    }
}
