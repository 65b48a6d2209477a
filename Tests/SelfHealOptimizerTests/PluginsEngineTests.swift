import Foundation
import SelfHealCore
import SelfHealLua
import SelfHealOptimizer
import SelfHealRules
import Testing

/// The shipped `plugins/` and how the engine treats broken or misbehaving plugins.
@Suite struct PluginsEngineTests {
    static func stats(evaluated: Int, passed: Int, version: Int = 1) -> VersionStats {
        VersionStats(
            promptId: Int64(version), version: version, samples: evaluated, evaluated: evaluated, passed: passed,
            failed: evaluated - passed, errors: 0, passRate: evaluated > 0 ? Double(passed) / Double(evaluated) : 0, avgScore: nil
        )
    }

    static func window(failed: Int) -> FailureWindow {
        FailureWindow(taskType: "code_generation", windowMinutes: 30, stats: stats(evaluated: failed + 1, passed: 1))
    }

    @Test func shippedDefaultsMatchTheIssue() async throws {
        try await OptimizerHarness.with { harness in
            let plugins = harness.plugins
            #expect(try plugins.trigger(Self.window(failed: 2)).fires == false)
            let fired = try plugins.trigger(Self.window(failed: 3))
            #expect(fired.fires)
            #expect(fired.reason.contains("3 failures in 30 minutes"))
            #expect(try plugins.windowMinutes(taskType: "code_generation") == 30)
            #expect(plugins.canaryShare(taskType: "code_generation") == 0.2)
            #expect(try plugins.minSamples(taskType: "code_generation") == 8)
            #expect(try plugins.replaySize(taskType: "code_generation") == ReplaySize(failing: 5, passing: 5))
            let early = try plugins.decideCanary(canary: Self.stats(evaluated: 3, passed: 3), active: Self.stats(evaluated: 10, passed: 2), canaryMinutes: 10, taskType: "code_generation")
            #expect(early.action == .wait)
            let starved = try plugins.decideCanary(canary: Self.stats(evaluated: 3, passed: 3), active: Self.stats(evaluated: 10, passed: 2), canaryMinutes: 25 * 60, taskType: "code_generation")
            #expect(starved.action == .rollback)
            let good = try plugins.decideCanary(canary: Self.stats(evaluated: 8, passed: 8), active: Self.stats(evaluated: 30, passed: 3), canaryMinutes: 10, taskType: "code_generation")
            #expect(good.action == .promote)
            let bad = try plugins.decideCanary(canary: Self.stats(evaluated: 8, passed: 0), active: Self.stats(evaluated: 30, passed: 27), canaryMinutes: 10, taskType: "code_generation")
            #expect(bad.action == .rollback)
            #expect(try plugins.regressed(active: Self.stats(evaluated: 10, passed: 0, version: 2), predecessor: Self.stats(evaluated: 10, passed: 9), taskType: "code_generation").yes)
            #expect(try !plugins.regressed(active: Self.stats(evaluated: 2, passed: 0, version: 2), predecessor: Self.stats(evaluated: 10, passed: 9), taskType: "code_generation").yes)
        }
    }

    @Test func diagnosisSplitsJudgeFeedbackAndKeepsRuleReasonsAndTestErrors() async throws {
        try await OptimizerHarness.with { harness in
            let failure = FailureEvidence(
                logId: 7, input: "x", finalScore: 0.2, verdictReason: "below threshold",
                ruleMisses: [.init(name: "has_docstring", score: 0, reason: "no docstring", required: false)],
                judgeFeedback: "no type hints; no input validation", testError: "NameError: name 'fib' is not defined", error: nil
            )
            let problems = try harness.plugins.diagnose(failures: [failure, failure], taskType: "code_generation")
            #expect(problems == ["has_docstring: no docstring", "no type hints", "no input validation", "tests failed: NameError: name 'fib' is not defined"])
        }
    }

    @Test func aBrokenEditIsRefusedWithFileAndLineAndTheLastGoodSetStays() async throws {
        try await OptimizerHarness.with { harness in
            let before = harness.plugins.status.version
            try harness.editPlugin("canary.lua", replacing: "canary_share = 0.2,", with: "canary_share = 0.2 +,")
            guard case .failed(let message) = harness.plugins.reloadIfChanged() else {
                Issue.record("a syntax error was accepted")
                return
            }
            #expect(message.contains("canary.lua:"))
            #expect(!message.contains("no file defines"), "a file that did not run is one problem, not one per entry")
            #expect(harness.plugins.status.version == before)
            #expect(harness.plugins.status.lastError != nil)
            #expect(harness.plugins.canaryShare(taskType: "code_generation") == 0.2)

            try harness.editPlugin("canary.lua", replacing: "canary_share = 0.2 +,", with: "canary_shar = 0.5,")
            guard case .failed(let unknown) = harness.plugins.reloadIfChanged() else {
                Issue.record("a misspelt entry was accepted")
                return
            }
            #expect(unknown.contains("canary.lua:5: unknown plugin entry 'canary_shar'"))
            #expect(unknown.contains("no file defines the plugin entry 'canary_share'"))

            try harness.editPlugin("canary.lua", replacing: "canary_shar = 0.5,", with: "canary_share = 1.5,")
            guard case .failed(let range) = harness.plugins.reloadIfChanged() else {
                Issue.record("a share above 1 was accepted")
                return
            }
            #expect(range.contains("'canary_share' must be within 0.0...1.0"))
            #expect(harness.plugins.canaryShare(taskType: "code_generation") == 0.2)
        }
    }

    @Test func initialLoadNamesTheFileAndLine() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("selfheal-plugins-\(UUID().uuidString)").path
        try FileManager.default.copyItem(atPath: OptimizerHarness.shippedPlugins, toPath: directory)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try OptimizerHarness.editFile(directory + "/trigger.lua", replacing: "window_minutes = 30,", with: "window_minutes = \"thirty\",")
        #expect {
            try PluginsEngine(directory: directory, logger: OptimizerHarness.logger)
        } throws: { error in
            "\(error)".contains("trigger.lua:4: 'window_minutes' must be a number or a function, not a string")
        }
    }

    @Test func aPluginThatLoopsOrErrorsThrowsInsteadOfHanging() async throws {
        try await OptimizerHarness.with(edits: [
            "trigger.lua": [("if window.failed >= 3 then", "while true do end\n    if window.failed >= 3 then")],
            "canary.lua": [("canary_share = 0.2,", "canary_share = function(task_type) return nil + 1 end,")],
        ]) { harness in
            #expect(throws: PluginError.self) { try harness.plugins.trigger(Self.window(failed: 5)) }
            do {
                _ = try harness.plugins.trigger(Self.window(failed: 5))
            } catch {
                #expect("\(error)".contains("instruction budget"))
            }
            // The worker's share never throws: a broken share sends nothing to the canary.
            #expect(harness.plugins.canaryShare(taskType: "code_generation") == 0)
            #expect(throws: PluginError.self) { try harness.plugins.checkedCanaryShare(taskType: "code_generation") }
        }
    }

    @Test func aKnobMayBeAFunctionOfTheTaskType() async throws {
        try await OptimizerHarness.with(edits: [
            "canary.lua": [("canary_share = 0.2,", "canary_share = function(task_type) if task_type == \"code_review\" then return 0.5 end return 0.1 end,")],
        ]) { harness in
            #expect(harness.plugins.canaryShare(taskType: "code_review") == 0.5)
            #expect(harness.plugins.canaryShare(taskType: "code_generation") == 0.1)
        }
    }
}
