import Foundation
import SelfHealCore
import SelfHealLLM
import Testing

/// How the optimizer asks a model for a better prompt, and reads the prompt back out of any answer.
@Suite struct PromptRewriteRequestTests {
    @Test func requestCarriesThePromptAndTheDiagnosis() {
        let request = PromptRewrite.request(currentPrompt: "Be good.", taskType: TaskTypes.codeReview, diagnosis: ["no severity", "two\nlines"])
        #expect(request.purpose == .rewrite)
        #expect(request.user.contains("Task type: code_review"))
        #expect(request.user.contains("Be good."))
        #expect(request.user.contains("- no severity\n- two lines"))
        #expect(request.system.contains("improved prompt text only"))
    }

    @Test(arguments: [
        ("Write code.\nAdd docstrings.", "Write code.\nAdd docstrings."),
        ("```\nWrite code.\nAdd docstrings.\n```", "Write code.\nAdd docstrings."),
        ("Here is the improved prompt:\n\n```text\nWrite code.\nAdd docstrings.\n```\nThis fixes the issues.", "Write code.\nAdd docstrings."),
        ("Improved prompt:\nWrite code.\nAdd docstrings.", "Write code.\nAdd docstrings."),
        ("\"Write code.\nAdd docstrings.\"", "Write code.\nAdd docstrings."),
    ])
    func extractsThePromptFromAModelAnswer(answer: String, expected: String) {
        #expect(PromptRewrite.extractPrompt(from: answer) == expected)
    }

    @Test func aPromptThatItselfMentionsFencesSurvivesExtraction() {
        let prompt = SeedPrompts.codeGeneration.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(PromptRewrite.extractPrompt(from: prompt) == prompt)
    }
}
