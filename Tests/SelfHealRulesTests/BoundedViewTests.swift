import Foundation
import SelfHealCore
import SelfHealLua
@testable import SelfHealRules
import Testing

/// Rules see a very long answer through a bounded view: its head and tail, with its full length
/// beside it, so no rule can be made slow by a long answer.
@Suite struct BoundedViewTests {
    @Test func aTextWithinTheLimitIsSeenWhole() {
        let text = String(repeating: "é", count: 100)
        let view = BoundedText.view(text, limit: 1000)
        #expect(view.text == text && !view.truncated)
    }

    @Test func aLongTextKeepsItsHeadAndTailAndSaysHowMuchIsLeftOut() {
        let text = "HEAD" + String(repeating: "x", count: 10_000) + "TAIL"
        let view = BoundedText.view(text, limit: 1000)
        #expect(view.truncated)
        #expect(view.text.hasPrefix("HEAD") && view.text.hasSuffix("TAIL"))
        #expect(view.text.contains("# [selfheal: 9008 bytes left out of the scripts' view]"))
        #expect(view.text.utf8.count < 1100)
    }

    @Test(arguments: [999, 1000, 1001, 1002, 1003])
    func theCutNeverSplitsACharacter(limit: Int) {
        // Three-byte and four-byte characters: every cut position lands inside one of them somewhere.
        let text = String(repeating: "€🙂", count: 2000)
        let view = BoundedText.view(text, limit: limit)
        #expect(view.truncated)
        #expect(!view.text.contains("\u{FFFD}"))
        let kept = view.text.replacingOccurrences(of: #"\n# \[selfheal: \d+ bytes left out of the scripts' view\]\n"#, with: "", options: .regularExpression)
        #expect(kept.allSatisfy { $0 == "€" || $0 == "🙂" })
    }

    @Test func aRuleSeesTheViewAndTheFullLengths() throws {
        let folder = try TempFolder([
            "scoring.lua": scoring(),
            "sizes.lua": rule("sizes", "return 1, #ctx.output .. ' ' .. ctx.lengths.output .. ' ' .. #ctx.code .. ' ' .. ctx.lengths.code .. ' ' .. tostring(ctx.truncated)"),
        ])
        let engine = try RulesEngine(directory: folder.path, logger: quietLogger)
        let short = engine.scoreBlocking(pythonContext("Write f", "def f(): return 1"))
        #expect(short.result("sizes")?.reason == "31 31 17 17 false")

        let long = String(repeating: "y = 1\n", count: 50_000)  // 300,000 bytes; the output adds its fence (14)
        let parts = try #require(engine.scoreBlocking(pythonContext("Write f", long)).result("sizes")?.reason.split(separator: " "))
        #expect(parts.count == 5)
        #expect(Int(parts[0])! < BoundedText.limit + 100 && Int(parts[1]) == 300_014)
        #expect(Int(parts[2])! < BoundedText.limit + 100 && Int(parts[3]) == 300_000)
        #expect(parts[4] == "true")
    }

    @Test func aStubAtTheEndOfAVeryLongAnswerIsStillFound() throws {
        let engine = try RulesEngine(directory: shippedRules, logger: quietLogger)
        let code = String(repeating: "x = 1\n", count: 40_000) + "def f():\n    ...\n"
        let score = engine.scoreBlocking(pythonContext("Write f", code))
        #expect(score.result("no_placeholders")?.score == 0)
        #expect(score.result("code_present")?.reason == "code present (\(code.utf8.count) characters)")
    }
}
