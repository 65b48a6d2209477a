public import AsyncHTTPClient
import Foundation
public import SelfHealCore

/// Any server that speaks OpenAI's `POST {base}/chat/completions`: OpenAI itself, vLLM,
/// Ollama (`http://localhost:11434/v1`), llama.cpp's server. An empty key sends no
/// `Authorization` header, which local servers accept.
public struct OpenAICompatibleProvider: LLMAttempting {
    public let name: String
    public let model: String
    let baseURL: String
    let apiKey: String?
    let exchange: HTTPExchange
    /// Bounds waiting for the answer's head; `ResilientProvider` bounds the whole call.
    let deadline: Duration
    let url: String
    /// `url` for the plain-HTTP client, parsed once; nil when AsyncHTTPClient takes it.
    let plainTarget: PlainHTTPTarget?

    public init(
        baseURL: String, apiKey: String?, model: String, client: HTTPClient,
        name: String = "openai", deadline: Duration = .seconds(120)
    ) {
        self.name = name
        self.model = model
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.apiKey = apiKey.flatMap { $0.isEmpty ? nil : $0 }
        self.exchange = HTTPExchange(provider: name, client: client, redactor: SecretRedactor(secret: apiKey))
        self.deadline = deadline
        self.url = self.baseURL + "/chat/completions"
        self.plainTarget = exchange.plainTarget(for: url)
    }

    public func attempt(_ request: LLMRequest) async throws -> LLMCompletion {
        try await attempt(request, deadline: deadline)
    }

    /// Over plain HTTP the exchange's own deadline bounds the whole call, the answer's body
    /// included, so the timeout needs no task and timer beside it (as `boundedAttempt` has).
    public func attempt(_ request: LLMRequest, within timeout: Duration) async throws -> LLMCompletion {
        guard plainTarget != nil, timeout <= deadline else { return try await boundedAttempt(request, within: timeout) }
        do {
            return try await attempt(request, deadline: timeout)
        } catch let failure as LLMAttemptError where failure.error.kind == .timeout {
            throw LLMAttemptError.noAnswer(within: timeout, provider: name, model: model)
        }
    }

    private func attempt(_ request: LLMRequest, deadline: Duration) async throws -> LLMCompletion {
        var messages: [OpenAIWire.Request.Message] = []
        if !request.system.isEmpty { messages.append(.init(role: "system", content: request.system)) }
        messages.append(.init(role: "user", content: request.user))
        let body = OpenAIWire.Request(
            model: model, messages: messages, temperature: request.temperature, maxTokens: request.maxOutputTokens
        )
        var headers: [(String, String)] = []
        if let apiKey { headers.append(("Authorization", "Bearer \(apiKey)")) }

        let answer = try await exchange.post(url: url, target: plainTarget, headers: headers, body: Data(body.jsonBytes), deadline: deadline)
        guard (200..<300).contains(answer.status) else {
            throw exchange.failure(for: answer, url: url, serverMessage: ProviderErrorBody.message(from: answer.body))
        }
        return try completion(from: answer.body, request: request)
    }

    private func completion(from body: Data, request: LLMRequest) throws -> LLMCompletion {
        let response: OpenAIWire.Response
        do {
            response = try OpenAIWire.Response(json: body)
        } catch {
            throw exchange.failure(.malformed, "the answer is not a chat completion: \(ProviderErrorBody.excerpt(body) ?? "empty body")", detail: url)
        }
        guard let choice = response.choices?.first else {
            throw exchange.failure(.malformed, "the answer has no choices", detail: url)
        }
        guard let text = choice.message?.content, !text.isEmpty else {
            let why = choice.message?.refusal.map { "the model refused: \($0)" } ?? "finish_reason \(choice.finishReason ?? "missing")"
            throw exchange.failure(.malformed, "the answer has no message content (\(why))", detail: url)
        }
        // Some servers omit usage; an estimate keeps logs and metrics meaningful.
        let tokens = TokenCounts(
            input: response.usage?.promptTokens
                ?? TokenEstimate.tokens(in: request.system) + TokenEstimate.tokens(in: request.user),
            output: response.usage?.completionTokens ?? TokenEstimate.tokens(in: text)
        )
        return LLMCompletion(text: text, tokens: tokens)
    }
}
