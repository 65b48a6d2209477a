import NIOCore
import NIOPosix
import SelfHealCore
import SelfHealLua
import Testing
@testable import SelfHealRules

/// A short rules pass runs on the caller's event loop; one too long for a loop is cut there
/// and scored again on a Lua thread under its rules' own bounds.
@Suite struct InlinePassTests {
    @Test func aShortPassOnAnEventLoopGivesTheScoresOfALuaThread() async throws {
        // A cut no pass reaches, however slow this machine is: the scores are the subject here.
        let engine = try RulesEngine(directory: shippedRules, inlineCut: .seconds(60), logger: quietLogger)
        let loop = MultiThreadedEventLoopGroup.singleton.next()
        for sample in SampleOutputs.samples {
            let expected = engine.scoreBlocking(sample.context)
            let inline = try await loop.submit { engine.scoreInline(sample.context) }.get()
            #expect(inline == expected, "\(sample.label)")
        }
    }

    @Test func aPassTooLongForALoopIsCutThereAndScoredOnALuaThread() async throws {
        // About 3 million Lua additions: far more than the inline cut of 2 ms, far
        // less than this rule's own 10 s bound, so on a Lua thread it passes.
        let folder = try TempFolder([
            "scoring.lua": scoring(),
            "slow.lua": rule("slow", "local x = 0; for i = 1, 3000000 do x = x + i end; return x > 0, 'counted'"),
            "quick.lua": rule("quick", "return 0.5, 'half'"),
        ])
        let limits = LuaLimits(instructionBudget: 1_000_000_000, memoryBytes: 32 << 20, wallClock: .seconds(10))
        let engine = try RulesEngine(directory: folder.path, limits: limits, logger: quietLogger)
        let context = pythonContext("add two numbers", "def add(a, b):\n    return a + b")
        let loop = MultiThreadedEventLoopGroup.singleton.next()

        let cut = try await loop.submit { engine.scoreInline(context) }.get()
        #expect(cut == nil, "a pass longer than the cut gives no score from the loop")

        let score = await engine.score(context)
        #expect(score.result("slow")?.score == 1)
        #expect(score.result("slow")?.reason == "counted")
        #expect(score.result("quick")?.score == 0.5)
        #expect(score.ruleScore == 0.75)
        // The pass on the Lua thread was long too, so the loop is not tried again (whether or
        // not the cooldown after the cut has passed: a step of a test may wait seconds here).
        #expect(try await loop.submit { engine.scoreInline(context) }.get() == nil)
    }

    @Test func aRuleThatCatchesTheCutCannotScoreOnTheLoop() async throws {
        // pcall around the slow part: the cut raises again at the next instruction, so the
        // pass is still cut, and on a Lua thread the rule runs to its end and passes.
        let folder = try TempFolder([
            "scoring.lua": scoring(),
            "sly.lua": rule("sly", """
            local ok = pcall(function() local x = 0; for i = 1, 3000000 do x = x + i end end)
                for _ = 1, 10 do pcall(function() end) end
                return 1, ok and "counted" or "caught"
            """),
        ])
        let limits = LuaLimits(instructionBudget: 1_000_000_000, memoryBytes: 32 << 20, wallClock: .seconds(10))
        let engine = try RulesEngine(directory: folder.path, limits: limits, logger: quietLogger)
        let context = pythonContext("x", "y")
        let loop = MultiThreadedEventLoopGroup.singleton.next()

        #expect(try await loop.submit { engine.scoreInline(context) }.get() == nil)
        let score = await engine.score(context)
        #expect(score.result("sly")?.score == 1)
        #expect(score.result("sly")?.reason == "counted")
    }

    @Test func aRuleStoppedByItsOwnBoundOnTheLoopFailsAsItWouldOnALuaThread() async throws {
        // An instruction budget is spent the same way wherever the pass runs: the verdict of
        // the rule's own bound stands, and the loop stays open to passes.
        let folder = try TempFolder([
            "scoring.lua": scoring(),
            "spin.lua": rule("spin", "while true do end"),
        ])
        let limits = LuaLimits(instructionBudget: 10_000, memoryBytes: 32 << 20, wallClock: .seconds(120))
        let engine = try RulesEngine(directory: folder.path, limits: limits, inlineCut: .seconds(60), logger: quietLogger)
        let context = pythonContext("x", "y")
        let loop = MultiThreadedEventLoopGroup.singleton.next()

        let inline = try await loop.submit { engine.scoreInline(context) }.get()
        #expect(inline == engine.scoreBlocking(context))
        #expect(inline?.result("spin")?.score == 0)
        #expect(inline?.result("spin")?.reason.contains("instruction budget") == true)
        #expect(engine.inline.allows())
    }

    @Test func theGateOpensForShortPassesAndClosesAfterACut() {
        let gate = InlinePassGate(cut: .milliseconds(1), cooldown: .seconds(10))
        let now = ContinuousClock.now
        #expect(gate.allows(at: now), "open before any pass")
        gate.record(.microseconds(600))
        #expect(!gate.allows(at: now), "a pass longer than half the cut closes it")
        gate.record(.microseconds(400))
        #expect(gate.allows(at: now))
        gate.cutShort(at: now)
        #expect(!gate.allows(at: now + .seconds(9)))
        #expect(gate.allows(at: now + .seconds(10)))
    }
}
