import Foundation
import SelfHealCore
import SelfHealLLM

/// A provider that always fails, as a timed-out model does.
struct FailingProvider: LLMProvider {
    let name = "failing"
    let model = "none"
    func complete(_ request: LLMRequest) async throws -> LLMCompletion {
        throw LLMError(.timeout, provider: name, message: "request timed out after 30 s")
    }
}

/// A provider that answers a fixed text, to feed the judge answers a real model might give.
struct CannedProvider: LLMProvider {
    let name = "canned"
    let model = "canned-1"
    let answer: String
    func complete(_ request: LLMRequest) async throws -> LLMCompletion {
        LLMCompletion(text: answer, tokens: TokenCounts(input: 1, output: 1))
    }
}
