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
    }

    var url: String { baseURL + "/chat/completions" }

    public func attempt(_ request: LLMRequest) async throws -> LLMCompletion {
        var messages: [OpenAIWire.Request.Message] = []
        if !request.system.isEmpty { messages.append(.init(role: "system", content: request.system)) }
        messages.append(.init(role: "user", content: request.user))
        let body = OpenAIWire.Request(
            model: model, messages: messages, temperature: request.temperature, maxTokens: request.maxOutputTokens
        )
        var headers: [(String, String)] = []
        if let apiKey { headers.append(("Authorization", "Bearer \(apiKey)")) }

        let answer = try await exchange.post(url: url, headers: headers, body: Data(body.jsonBytes), deadline: deadline)
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
