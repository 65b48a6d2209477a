import SelfHealCore
import SelfHealLua
import Testing
@testable import SelfHealRules

/// The rule-level escapes an adversarial probe found: each is contained with a reason, the
/// evaluator keeps serving, and `/health`'s view of the engine shows nothing stuck.
@Suite struct ProbeContainmentTests {
    @Test("a rule looping in xpcall's handler or in one C call scores 0 and the engine keeps serving")
    func hostileChecksAreContained() async throws {
        let folder = try TempFolder([
            "scoring.lua": scoring(),
            "xpcall.lua": rule("xpcall", "xpcall(function() while true do end end, function() while true do end end) return 1"),
            "pattern.lua": rule("pattern", #"return ("a"):rep(3000):find(".-.-.-b") and 1 or 0"#),
            "zz_good.lua": rule("zz_good", "return 1, 'fine'"),
        ])
        let engine = try RulesEngine(directory: folder.path, logger: quietLogger)
        for _ in 0..<3 {
            let score = await engine.score(pythonContext("anything", "def f(): pass"))
            #expect(score.result("xpcall")?.score == 0)
            #expect(score.result("xpcall")?.reason.contains("exceeded its instruction budget") == true, "\(score.result("xpcall")?.reason ?? "")")
            #expect(score.result("pattern")?.score == 0)
            let reason = score.result("pattern")?.reason ?? ""
            #expect(reason.contains("string-library step budget") || reason.contains("wall-clock"), "\(reason)")
            #expect(score.result("zz_good")?.score == 1)
        }
        #expect(engine.status.stuck == 0)
        #expect(engine.status.inFlight == 0)
    }

    @Test("a rule file that hangs at its top level is refused at load, and a fix still goes live")
    func hostileFilesAreRefusedAndReloadGoesOn() throws {
        let folder = try TempFolder(["scoring.lua": scoring(), "good.lua": rule("good", "return 1")])
        let engine = try RulesEngine(directory: folder.path, logger: quietLogger)
        try folder.write("bad.lua", "xpcall(function() while true do end end, function() while true do end end)\n" + rule("bad", "return 1"))
        let refused = engine.reloadIfChanged()
        #expect(engine.current.rules.map(\.name) == ["good"], "\(refused)")
        #expect(engine.status.lastError?.contains("bad.lua") == true, "\(engine.status.lastError ?? "")")
        try folder.write("bad.lua", rule("bad", "return 0.5"))
        engine.reloadIfChanged()
        #expect(engine.current.rules.map(\.name).sorted() == ["bad", "good"])
    }

    @Test("a rule cannot keep state between evaluations through globals, libraries or its own tables")
    func rulesCannotCarryState() throws {
        let folder = try TempFolder([
            "scoring.lua": scoring(),
            "counter.lua": """
                local calls = { n = 0 }
                return {
                  name = "counter",
                  weight = 1,
                  check = function(ctx)
                    pcall(function() calls.n = calls.n + 1 end)
                    pcall(rawset, _ENV, "seen", true)
                    pcall(function() string.seen = true end)
                    if calls.n > 0 or rawget(_ENV, "seen") or string.seen then return 0, "remembered an earlier call" end
                    return 1, "fresh"
                  end,
                }
                """,
        ])
        let engine = try RulesEngine(directory: folder.path, logger: quietLogger)
        for _ in 0..<3 {
            #expect(engine.scoreBlocking(pythonContext("x", "x = 1")).result("counter")?.reason == "fresh")
        }
    }

    /// Each rule gets a ctx of its own: a rule that keeps the one it got (in an object, which
    /// stays writable) never sees what a later rule wrote to its own, in this pass or the next,
    /// and a later rule sees the original. (A pass sharing one copy while no rule changed it
    /// was tried and dropped for this: the keeper saw the writer's note one request later.)
    @Test("a rule never sees what another rule wrote to its ctx, even through a ctx it kept")
    func rulesDoNotShareTheirCtx() throws {
        let folder = try TempFolder([
            "scoring.lua": scoring(),
            "a_keeper.lua": """
                local memory = setmetatable({}, {})
                return {
                  name = "keeper",
                  weight = 1,
                  check = function(ctx)
                    local seen = memory.ctx and (memory.ctx.note or (memory.ctx.code ~= ctx.code and "changed code"))
                    memory.ctx = ctx
                    if seen then return 0, "saw " .. seen end
                    return 1, "nothing seen"
                  end,
                }
                """,
            "b_writer.lua": rule("writer", "ctx.note = 'from the writer'; ctx.code = 'changed'; ctx.exec = nil; return 1"),
            "c_reader.lua": rule("reader", "if ctx.note == nil and ctx.code == 'x = 1' then return 1, 'original' end return 0, 'changed'"),
        ])
        let engine = try RulesEngine(directory: folder.path, logger: quietLogger)
        for _ in 0..<3 {
            let score = engine.scoreBlocking(pythonContext("x", "x = 1"))
            #expect(score.result("keeper")?.reason == "nothing seen")
            #expect(score.result("reader")?.reason == "original")
        }
    }
}
