import Foundation
import SelfHealCore
@testable import SelfHealSimulated
import Testing

/// The simulated rewrite reads a failed shipped rule by its name, never by its reason's words:
/// an operator who rewords a reason in rules/ changes no rewrite (and so no offline heal).
@Suite("The simulated rewrite is keyed on rule names")
struct PromptFixRuleNameTests {
    struct ShippedRule {
        var name: String
        var taskTypes: [String]
    }

    /// Every rule in rules/, with its task types, read from the files a user edits.
    static func shippedRules() throws -> [ShippedRule] {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("rules")
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".lua") && $0 != "scoring.lua" }
        return try files.sorted().map { file in
            let source = try String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8)
            let name = try #require(source.firstMatch(of: /name\s*=\s*"([a-z0-9_]+)"/)?.output.1, "\(file) names no rule")
            let list = try #require(source.firstMatch(of: /task_types\s*=\s*\{([^}]*)\}/)?.output.1, "\(file) lists no task types")
            let taskTypes = list.matches(of: /"([a-z_]+)"/).map { String($0.output.1) }
            return ShippedRule(name: String(name), taskTypes: taskTypes)
        }
    }

    @Test("every rule in rules/ is named in the catalogue")
    func everyShippedRuleIsKnown() throws {
        let rules = try Self.shippedRules()
        #expect(rules.count >= 18)
        for rule in rules {
            #expect(PromptFix.ruleNames.contains(rule.name), "rules/ has '\(rule.name)', which PromptFix does not key on")
        }
    }

    @Test("a reworded reason gives the same rewrite; each rule's failure calls for a fix for its task types")
    func rewordingChangesNothing() throws {
        for rule in try Self.shippedRules() {
            for taskType in [TaskTypes.codeGeneration, TaskTypes.testGeneration, TaskTypes.codeReview] {
                let shipped = SimulatedRewrite.rewrite(currentPrompt: "Write code.", taskType: taskType, diagnosis: ["\(rule.name): no docstring, no type hints"])
                let reworded = SimulatedRewrite.rewrite(currentPrompt: "Write code.", taskType: taskType, diagnosis: ["\(rule.name): gnirtscod on"])
                let silent = SimulatedRewrite.rewrite(currentPrompt: "Write code.", taskType: taskType, diagnosis: ["\(rule.name): "])
                #expect(shipped == reworded && reworded == silent, "\(rule.name) on \(taskType)")
                if rule.taskTypes.contains(taskType) {
                    #expect(reworded != "Write code.", "a failed '\(rule.name)' calls for no fix on \(taskType)")
                }
            }
        }
    }

    @Test("lines that are not a shipped rule's (the judge, the sandbox, an operator's own rule) are read by their words")
    func otherLinesByWords() {
        let judge = SimulatedRewrite.rewrite(currentPrompt: "", taskType: TaskTypes.codeGeneration, diagnosis: ["missing docstrings"])
        #expect(judge.contains("docstring"))
        let operatorRule = SimulatedRewrite.rewrite(currentPrompt: "", taskType: TaskTypes.codeGeneration, diagnosis: ["house_style: no type hints"])
        #expect(operatorRule.contains("type hints"))
        let sandbox = SimulatedRewrite.rewrite(currentPrompt: "", taskType: TaskTypes.codeGeneration, diagnosis: ["tests failed: NameError: name 'fib' is not defined"])
        #expect(sandbox.contains("exactly the name the user asks for"))
        #expect(PromptFix.ruleName(of: "has_docstring: no docstring") == "has_docstring")
        #expect(PromptFix.ruleName(of: "tests failed: AssertionError") == nil)
        #expect(PromptFix.ruleName(of: "Missing docstrings: everywhere") == nil)
    }
}
