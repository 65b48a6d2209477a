/// Why an LLM is being called; each purpose may use its own model.
public enum LLMPurpose: String, Sendable, CaseIterable {
    case generation
    case judge
    case rewrite
}

/// One chat turn: a system prompt and a user message.
public struct LLMRequest: Sendable, Equatable {
    public var purpose: LLMPurpose
    public var system: String
    public var user: String
    public var temperature: Double?
    public var maxOutputTokens: Int?

    public init(purpose: LLMPurpose, system: String, user: String, temperature: Double? = nil, maxOutputTokens: Int? = nil) {
        self.purpose = purpose
        self.system = system
        self.user = user
        self.temperature = temperature
        self.maxOutputTokens = maxOutputTokens
    }
}

public struct LLMCompletion: Sendable, Equatable {
    public var text: String
    public var tokens: TokenCounts

    public init(text: String, tokens: TokenCounts) {
        self.text = text
        self.tokens = tokens
    }
}

/// A failure to get an answer from a provider, with the provider's own message.
public struct LLMError: Error, Sendable, CustomStringConvertible {
    public enum Kind: String, Sendable {
        case timeout
        case unavailable      // connection refused, 5xx, circuit open
        case rateLimited      // 429 after retries
        case rejected         // other 4xx: bad key, bad request
        case malformed        // an answer that is not the protocol
    }

    public var kind: Kind
    public var provider: String
    /// What went wrong, in words a client may read: never the provider's address.
    public var message: String
    /// Where and how, for the operator's log only: the endpoint, the transport's own error.
    public var detail: String?

    public init(_ kind: Kind, provider: String, message: String, detail: String? = nil) {
        self.kind = kind
        self.provider = provider
        self.message = message
        self.detail = detail
    }

    public var description: String { "\(provider): \(message)" + (detail.map { " [\($0)]" } ?? "") }
}

/// A chat model. Real providers and the simulated one implement it.
public protocol LLMProvider: Sendable {
    /// "openai", "gemini" or "simulated".
    var name: String { get }
    var model: String { get }
    func complete(_ request: LLMRequest) async throws -> LLMCompletion
}

extension LLMProvider {
    public var info: LLMInfo { LLMInfo(provider: name, model: model) }
}

/// The provider for each purpose; by default one provider serves all three.
public struct LLMProviders: Sendable {
    public var generation: any LLMProvider
    public var judge: any LLMProvider
    public var rewrite: any LLMProvider

    public init(generation: any LLMProvider, judge: any LLMProvider, rewrite: any LLMProvider) {
        self.generation = generation
        self.judge = judge
        self.rewrite = rewrite
    }

    public init(_ single: any LLMProvider) {
        self.init(generation: single, judge: single, rewrite: single)
    }
}
