import AsyncHTTPClient
import Foundation
import Logging
import SelfHealCore
import SelfHealLLM
import SelfHealTestSupport

/// The key tests configure; fake servers echo it back to check it never leaks.
let secretKey = "sk-test-0123456789-secret"

let chatRequest = LLMRequest(
    purpose: .generation, system: "You are a careful Python engineer.", user: "Write add(a, b)",
    temperature: 0.2, maxOutputTokens: 256
)

extension ResiliencePolicy {
    /// Short backoffs so retry tests take milliseconds, not seconds. The deadline is long: no
    /// test of it is about the deadline, and in the suite's first seconds every test's work
    /// queues on two cores (a trivial test there takes 5 s to finish); a fake server's answer
    /// that waits its turn is not an answer that did not come.
    static let fast = ResiliencePolicy(timeout: .seconds(60), maxRetries: 2, baseDelay: .milliseconds(10), maxDelay: .milliseconds(40))
}

func openAIProvider(
    _ server: FakeLLMServer, key: String? = secretKey, policy: ResiliencePolicy = .fast,
    breaker: CircuitBreaker = CircuitBreaker(), logger: Logger = CapturedLogs().logger
) -> ResilientProvider {
    ResilientProvider(
        OpenAICompatibleProvider(baseURL: server.baseURL + "/v1", apiKey: key, model: "fake-model", client: LLMHTTPClient.shared),
        policy: policy, breaker: breaker, logger: logger
    )
}

/// The `LLMError` a call throws, or nil when it succeeds.
func llmError(_ call: () async throws -> LLMCompletion) async -> LLMError? {
    do {
        _ = try await call()
        return nil
    } catch let error as LLMError {
        return error
    } catch {
        return LLMError(.malformed, provider: "test", message: "unexpected error type: \(error)")
    }
}
