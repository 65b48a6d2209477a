import Logging
import Metrics
import SelfHealCore

/// The worker role: generates with the prompt version that is live *now*, read from the
/// store on every request, so a version activated in the database serves the very next
/// request without a restart. (One indexed read per request; cheap next to an LLM call.)
public struct Worker: Generating {
    let store: any Store
    let provider: any LLMProvider
    let logger: Logger

    public init(store: any Store, provider: any LLMProvider, logger: Logger) {
        self.store = store
        self.provider = provider
        self.logger = logger
    }

    public func generate(_ request: GenerateRequest) async throws -> GenerateResponse {
        guard let prompt = try await store.activePrompt(taskType: request.taskType) else {
            throw APIError(
                .serviceUnavailable, code: "no_active_prompt",
                message: "no active prompt version for task type '\(request.taskType)'"
            )
        }
        Gauge(label: "selfheal_prompt_active_version", dimensions: [("task_type", request.taskType)])
            .record(prompt.version)
        let completion = try await provider.complete(
            LLMRequest(purpose: .generation, system: Self.systemPrompt(prompt.text, language: request.language), user: request.userInput)
        )
        return GenerateResponse(output: completion.text, prompt: prompt.ref, llm: provider.info, tokens: completion.tokens)
    }

    /// The prompt version's text, plus the language the request asked for.
    static func systemPrompt(_ text: String, language: String?) -> String {
        guard let language else { return text }
        return text + "\n\nLanguage: " + language
    }
}
