import Foundation
public import SelfHealCore
import SelfHealLLM

/// A deterministic stand-in for an LLM, used when no API key is configured, so the whole
/// self-healing loop runs offline and reproducibly. Same request in, same text out: no
/// randomness, no clock. It is never presented as a real model (`name` is "simulated").
///
/// - `.generation`: writes correct Python for common requests (see `CodeTopic`), following the
///   system prompt's instructions literally (see `PromptInstructions` for the keywords); test and
///   review prompts (see `taskType(ofPrompt:)`) get pytest tests or a structured review.
/// - `.judge`: grades the candidate in a `Judge` message with fixed checks (`SimulatedJudge`).
/// - `.rewrite`: applies `SimulatedRewrite.rewrite` to the prompt and diagnosis in the message.
public struct SimulatedProvider: LLMProvider {
    public let name = "simulated"
    public let model = "simulated-1"

    public init() {}

    public func complete(_ request: LLMRequest) async throws -> LLMCompletion {
        let text: String
        switch request.purpose {
        case .generation:
            switch Self.taskType(ofPrompt: request.system) {
            case TaskTypes.testGeneration: text = TestGenerationAnswer.answer(systemPrompt: request.system, userRequest: request.user)
            case TaskTypes.codeReview: text = CodeReviewAnswer.answer(systemPrompt: request.system, userRequest: request.user)
            default: text = CodeGenerationAnswer.answer(systemPrompt: request.system, userRequest: request.user)
            }
        case .judge:
            text = SimulatedJudge.answer(judgeMessage: request.user)
        case .rewrite:
            guard let parsed = PromptRewrite.parse(request.user) else {
                throw LLMError(.malformed, provider: name, message: "rewrite request has no <<<CURRENT_PROMPT section")
            }
            text = SimulatedRewrite.rewrite(currentPrompt: parsed.prompt, taskType: parsed.taskType, diagnosis: parsed.diagnosis)
        }
        let input = TokenEstimate.tokens(in: request.system) + TokenEstimate.tokens(in: request.user)
        return LLMCompletion(text: text, tokens: TokenCounts(input: input, output: TokenEstimate.tokens(in: text)))
    }

    /// Which task a prompt is for, read from a "Task type: X" line if the caller adds one, else
    /// from how the prompt describes the assistant's job.
    static func taskType(ofPrompt prompt: String) -> String {
        for line in prompt.split(whereSeparator: \.isNewline) where line.lowercased().hasPrefix("task type:") {
            let value = TextMatching.trimmed(line.dropFirst("task type:".count))
            if !value.isEmpty { return value }
        }
        if TextMatching.containsAny(prompt, ["code review*", "reviewer", "review the code", "review code", "reviewing"]) {
            return TaskTypes.codeReview
        }
        if TextMatching.containsAny(prompt, ["test engineer", "write tests", "writes tests", "writing tests", "generate tests",
                                             "write pytest tests", "test suite", "test generator", "qa engineer"]) {
            return TaskTypes.testGeneration
        }
        return TaskTypes.codeGeneration
    }
}
