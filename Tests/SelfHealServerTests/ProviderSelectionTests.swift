import Foundation
import Logging
@testable import SelfHealCommands
import SelfHealCore
import SelfHealLLM
import SelfHealTestSupport
import Synchronization
import Testing

@Suite("Choosing the LLM provider from the environment")
struct ProviderSelectionTests {
    func select(_ environment: [String: String], logger: Logger = quietLogger) throws -> LLMProviders {
        try ProviderSelection.providers(environment: environment, client: LLMHTTPClient.shared, logger: logger)
    }

    @Test("no key and no LLM_PROVIDER: simulated, said once")
    func simulatedByDefault() throws {
        let logs = CapturedLogs()
        let providers = try select([:], logger: logs.logger)
        #expect(providers.generation.name == "simulated")
        let said = logs.messages
        #expect(said.count == 1)
        #expect(said.first?.contains("simulated") == true)
    }

    @Test("a key alone means an OpenAI-compatible provider; each purpose may use its own model")
    func models() throws {
        let providers = try select(["LLM_API_KEY": "k-123456", "LLM_JUDGE_MODEL": "judge-model", "LLM_REWRITE_MODEL": "rewrite-model"])
        #expect(providers.generation.name == "openai")
        #expect(providers.generation.model == "gpt-4o-mini")
        #expect(providers.judge.model == "judge-model")
        #expect(providers.rewrite.model == "rewrite-model")
        let gemini = try select(["LLM_PROVIDER": "gemini", "LLM_API_KEY": "k-123456"])
        #expect(gemini.generation.name == "gemini")
        #expect(gemini.generation.model == "gemini-2.0-flash")
        // A local server (Ollama, llama.cpp) needs no key.
        let local = try select(["LLM_PROVIDER": "openai", "LLM_BASE_URL": "http://127.0.0.1:11434/v1", "LLM_MODEL": "llama3.2"])
        #expect(local.generation.model == "llama3.2")
    }

    @Test("a bad value is one line naming the variable", arguments: [
        (["LLM_PROVIDER": "anthropic"], "LLM_PROVIDER"),
        (["LLM_PROVIDER": "openai", "LLM_BASE_URL": "ftp://x"], "LLM_BASE_URL"),
        (["LLM_PROVIDER": "openai", "LLM_API_KEY": "k", "LLM_TIMEOUT_SECONDS": "soon"], "LLM_TIMEOUT_SECONDS"),
        (["LLM_PROVIDER": "openai", "LLM_API_KEY": "k", "LLM_MAX_RETRIES": "-1"], "LLM_MAX_RETRIES"),
        (["LLM_PROVIDER": "gemini"], "LLM_API_KEY"),
        (["LLM_PROVIDER": "openai"], "LLM_API_KEY"),
    ])
    func badValues(environment: [String: String], variable: String) throws {
        do {
            _ = try select(environment)
            Issue.record("accepted \(environment)")
        } catch let error as UsageError {
            #expect(error.description.hasPrefix(variable), "\(error.description)")
            #expect(!error.description.contains("\n"))
        }
    }

    @Test("the binary refuses a bad LLM_PROVIDER with one line")
    func binary() async throws {
        let result = try await runSelfheal(["--role", "all"], environment: ["LLM_PROVIDER": "bogus"])
        #expect(result.code != 0)
        #expect(result.stderr.split(separator: "\n").count == 1)
        #expect(result.stderr.contains("LLM_PROVIDER: 'bogus'"))
    }
}
