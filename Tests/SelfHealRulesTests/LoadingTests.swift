import Foundation
import SelfHealCore
import SelfHealLua
import Testing
@testable import SelfHealRules

@Suite struct LoadingTests {
    /// Loads a folder that must fail and returns the problems, as "name:line: message" with
    /// the folder path stripped.
    private func problems(_ files: [String: String]) throws -> [String] {
        let folder = try TempFolder(files)
        do {
            _ = try RulesEngine(directory: folder.path, logger: quietLogger)
            Issue.record("the folder loaded")
            return []
        } catch let error as RuleLoadError {
            return error.problems.map { $0.description.replacingOccurrences(of: folder.path + "/", with: "") }
        }
    }

    @Test func syntaxErrorNamesFileAndLine() throws {
        let found = try problems(["bad.lua": "return {\n  name = 'bad',\n  weight = ,\n}\n"])
        #expect(found.count == 1)
        #expect(found.first?.hasPrefix("bad.lua:3: syntax error:") == true, "\(found)")
    }

    @Test func invalidFieldsNameFileAndLine() throws {
        let found = try problems([
            "a.lua": "return {\n  name = 'a',\n  weight = -1,\n  check = function(ctx) return 1 end,\n}\n",
            "b.lua": "return {\n  name = 'b',\n  weight = 1,\n}\n",
            "c.lua": "return {\n  name = 'c',\n  weight = 1,\n  requird = true,\n  check = function(ctx) return 1 end,\n}\n",
            "d.lua": "return {\n  name = 'dup',\n  weight = 1,\n  check = function(ctx) return 1 end,\n}\n",
            "e.lua": "return {\n  name = 'e',\n  weight = 1,\n  task_types = 'code_review',\n  check = function(ctx) return 1 end,\n}\n",
            "f.lua": "return 42\n",
            "g.lua": "return {\n  name = 'dup',\n  weight = 1,\n  check = function(ctx) return 1 end,\n}\n",
            "scoring.lua": "return {\n  weights = { rules = 1.5, judge = 0.6 },\n  pass_threshold = 2,\n  on_judge_unavailable = 'panic',\n  execution = { mode = 'vote',\n    quality_floor = 3 },\n}\n",
        ])
        let expected = [
            "scoring.lua:2: weights.rules must be a number within [0, 1]",
            "scoring.lua:3: pass_threshold must be a number within [0, 1]",
            "scoring.lua:4: on_judge_unavailable must be \"rules_only\" or \"fail\"",
            "scoring.lua:5: execution.mode must be \"decide\" or \"weigh\"",
            "scoring.lua:6: execution.quality_floor must be a number within [0, 1]",
            "a.lua:3: weight must be a number ≥ 0",
            "b.lua:1: check must be a function",
            "c.lua:4: unknown field 'requird'",
            "g.lua:2: rule name 'dup' is already used by",
            "e.lua:4: task_types must be a list",
            "f.lua:1: a rule file must return a table",
        ]
        for prefix in expected {
            #expect(found.contains { $0.hasPrefix(prefix) }, "missing \(prefix) in \(found)")
        }
        #expect(found.count == expected.count, "\(found)")
    }

    @Test func binaryChunkFileIsRefused() throws {
        let found = try problems(["bin.lua": "\u{1B}LuaT\u{0}\u{19}\u{93}\r\n"])
        #expect(found == ["bin.lua:1: binary chunks are not allowed; rules must be Lua source text"])
    }

    @Test func aFileThatLoopsAtLoadIsRefused() throws {
        let found = try problems(["spin.lua": "while true do end\nreturn {}\n"])
        #expect(found.first?.contains("exceeded the instruction budget") == true, "\(found)")
    }

    @Test func unknownScoringKeysAreAccepted() throws {
        let folder = try TempFolder([
            "scoring.lua": "return { weights = { rules = 0.3, judge = 0.7 }, pass_threshold = 0.8, sandbox = { timeout_s = 5 }, languages = { 'python' } }",
            "a.lua": rule("a", "return 1"),
        ])
        let engine = try RulesEngine(directory: folder.path, logger: quietLogger)
        #expect(engine.current.policy.weights == ScoreWeights(rules: 0.3, judge: 0.7))
        #expect(engine.current.policy.passThreshold == 0.8)
    }

    @Test func shippedRulesPassTheCheck() {
        let (report, ok) = RulesCheck.run(rulesDirectory: shippedRules, pluginsDirectory: nil)
        #expect(ok, "\(report)")
        #expect(report.contains("has_docstring"))
        #expect(!report.contains("warning:"), "\(report)")
    }

    @Test func checkFailsOnABrokenCopyNamingFileAndLine() throws {
        let folder = try TempFolder()
        for name in try FileManager.default.contentsOfDirectory(atPath: shippedRules) where name.hasSuffix(".lua") {
            try folder.write(name, String(contentsOfFile: shippedRules + "/" + name, encoding: .utf8))
        }
        let source = try String(contentsOfFile: folder.path + "/has_docstring.lua", encoding: .utf8)
        try folder.write("has_docstring.lua", source.replacingOccurrences(of: "weight = 1.0,", with: "weight = 1.0,,"))
        let (report, ok) = RulesCheck.run(rulesDirectory: folder.path, pluginsDirectory: nil)
        #expect(!ok)
        #expect(report.contains(folder.path + "/has_docstring.lua:"), "\(report)")

        // A rule that loads but fails at run time is also caught, with its line.
        try folder.write("has_docstring.lua", source)
        try folder.write("zz_crash.lua", rule("zz_crash", "return ctx.nothing.here"))
        let (crashReport, crashOK) = RulesCheck.run(rulesDirectory: folder.path, pluginsDirectory: nil)
        #expect(!crashOK)
        #expect(crashReport.contains("error: \(folder.path)/zz_crash.lua:5:"), "\(crashReport)")
    }

    @Test func checkLoadsPlugins() throws {
        let plugins = try TempFolder(["trigger.lua": "return { failures = 3 }", "broken.lua": "return {\n  x = = 1 }"])
        let (report, ok) = RulesCheck.run(rulesDirectory: shippedRules, pluginsDirectory: plugins.path)
        #expect(!ok)
        #expect(report.contains("ok: \(plugins.path)/trigger.lua"))
        #expect(report.contains("error: \(plugins.path)/broken.lua:2:"), "\(report)")
    }
}
