import AsyncHTTPClient
import Foundation
import Logging
import SelfHealCore
import SelfHealLLM
import SelfHealSimulated

/// Picks the LLM provider for generation, judging and rewriting from the environment
/// (`LLM_PROVIDER`, `LLM_API_KEY`, `LLM_BASE_URL`, `LLM_MODEL`, `LLM_JUDGE_MODEL`,
/// `LLM_REWRITE_MODEL`, `LLM_TIMEOUT_SECONDS`, `LLM_MAX_RETRIES`, `LLM_BREAKER_FAILURES`,
/// `LLM_BREAKER_COOLDOWN_SECONDS`), and says once, plainly,
/// which one answers — above all when it is the simulated stand-in.
enum ProviderSelection {
    static let openAIBaseURL = "https://api.openai.com/v1"
    static let openAIModel = "gpt-4o-mini"

    static func providers(logger: Logger) throws -> LLMProviders {
        try providers(environment: ProcessInfo.processInfo.environment, client: LLMHTTPClient.shared, logger: logger)
    }

    /// Real providers share `client`; each purpose is metered and made resilient, and all
    /// purposes of one provider share one circuit breaker.
    static func providers(environment: [String: String], client: HTTPClient, logger: Logger) throws -> LLMProviders {
        let env = { (name: String) -> String? in
            guard let value = environment[name]?.trimmingCharacters(in: .whitespaces), !value.isEmpty else { return nil }
            return value
        }
        let key = env("LLM_API_KEY")
        let explicit = env("LLM_PROVIDER")?.lowercased()
        let family: String
        switch explicit {
        case nil where key == nil, "simulated"?:
            logger.notice(
                "LLM provider is simulated: answers are deterministic stand-ins, not a real model's",
                metadata: ["llm.provider": "simulated", "why": "\(explicit == nil ? "no LLM_API_KEY set" : "LLM_PROVIDER=simulated")"]
            )
            return LLMProviders(MeteredProvider(SimulatedProvider()))
        case nil:
            // A key and no provider: the OpenAI-compatible protocol is the common case.
            family = "openai"
        case let name? where name == "openai" || name == "gemini":
            family = name
        case let name?:
            throw UsageError("LLM_PROVIDER: '\(name)' is not a provider; choose openai, gemini or simulated")
        }

        let baseURL = env("LLM_BASE_URL") ?? (family == "gemini" ? GeminiProvider.defaultBaseURL : openAIBaseURL)
        guard let parsed = URL(string: baseURL), ["http", "https"].contains(parsed.scheme?.lowercased() ?? ""), parsed.host != nil else {
            throw UsageError("LLM_BASE_URL: '\(baseURL)' is not an http(s) URL such as \(openAIBaseURL)")
        }
        if key == nil && (family == "gemini" || parsed.host == "api.openai.com") {
            throw UsageError("LLM_API_KEY: required for \(family) at \(baseURL) (local OpenAI-compatible servers need only LLM_BASE_URL)")
        }
        let timeout = try number("LLM_TIMEOUT_SECONDS", env("LLM_TIMEOUT_SECONDS"), default: 60, range: 0.1...3600)
        let retries = try Int(number("LLM_MAX_RETRIES", env("LLM_MAX_RETRIES"), default: 2, range: 0...10, integer: true))
        let policy = ResiliencePolicy(timeout: .milliseconds(Int64(timeout * 1000)), maxRetries: retries)
        let threshold = try Int(number("LLM_BREAKER_FAILURES", env("LLM_BREAKER_FAILURES"), default: 5, range: 1...1000, integer: true))
        let cooldown = try number("LLM_BREAKER_COOLDOWN_SECONDS", env("LLM_BREAKER_COOLDOWN_SECONDS"), default: 30, range: 0.1...3600)
        let breaker = CircuitBreaker(failureThreshold: threshold, cooldown: .milliseconds(Int64(cooldown * 1000)))
        let generationModel = env("LLM_MODEL") ?? (family == "gemini" ? GeminiProvider.defaultModel : openAIModel)

        var built: [String: any LLMProvider] = [:]
        func provider(model: String) -> any LLMProvider {
            if let existing = built[model] { return existing }
            let raw: any LLMProvider = family == "gemini"
                ? GeminiProvider(apiKey: key, model: model, baseURL: baseURL, client: client, deadline: policy.timeout)
                : OpenAICompatibleProvider(baseURL: baseURL, apiKey: key, model: model, client: client, deadline: policy.timeout)
            let wrapped = MeteredProvider(ResilientProvider(raw, policy: policy, breaker: breaker, logger: logger))
            built[model] = wrapped
            return wrapped
        }
        let providers = LLMProviders(
            generation: provider(model: generationModel),
            judge: provider(model: env("LLM_JUDGE_MODEL") ?? generationModel),
            rewrite: provider(model: env("LLM_REWRITE_MODEL") ?? generationModel)
        )
        logger.notice(
            "LLM provider selected",
            metadata: [
                "llm.provider": "\(family)", "llm.base_url": "\(baseURL)", "llm.key": "\(key == nil ? "none" : "set")",
                "llm.model": "\(providers.generation.model)", "llm.judge_model": "\(providers.judge.model)",
                "llm.rewrite_model": "\(providers.rewrite.model)", "llm.timeout_s": "\(timeout)", "llm.max_retries": "\(retries)",
            ]
        )
        return providers
    }

    private static func number(_ name: String, _ raw: String?, default fallback: Double, range: ClosedRange<Double>, integer: Bool = false) throws -> Double {
        guard let raw else { return fallback }
        guard let value = Double(raw), range.contains(value), !integer || value == value.rounded() else {
            let kind = integer ? "a whole number" : "a number of seconds"
            throw UsageError("\(name): '\(raw)' is not \(kind) from \(range.lowerBound.plain) to \(range.upperBound.plain)")
        }
        return value
    }
}

private extension Double {
    var plain: String { self == rounded() ? String(Int(self)) : String(self) }
}
