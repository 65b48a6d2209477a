import Foundation
import SelfHealCore
import SelfHealLLM

/// The simulated provider's answer to a rewrite request (`PromptRewrite.request`).
public enum SimulatedRewrite {
    /// The deterministic rewrite: the current prompt plus, in a fixed order, one instruction per
    /// diagnosed problem that the prompt does not already carry. Idempotent by construction.
    /// Task types without their own fixes (operator-configured ones) get the code-generation set.
    public static func rewrite(currentPrompt: String, taskType: String, diagnosis: [String]) -> String {
        var prompt = currentPrompt.trimmingCharacters(in: .whitespacesAndNewlines)
        let known = [TaskTypes.codeGeneration, TaskTypes.testGeneration, TaskTypes.codeReview].contains(taskType)
        for fix in PromptFix.fixes(for: diagnosis, taskType: known ? taskType : TaskTypes.codeGeneration) where !prompt.contains(fix.instruction) {
            prompt += (prompt.isEmpty ? "" : "\n") + fix.instruction
        }
        return prompt
    }
}
