public import AsyncHTTPClient
import Foundation
public import SelfHealCore

/// Google's Gemini API: `POST {base}/models/{model}:generateContent`. The key travels in the
/// `x-goog-api-key` header, never in the URL, because URLs end up in logs and error messages.
public struct GeminiProvider: LLMAttempting {
    public static let defaultModel = "gemini-2.0-flash"
    public static let defaultBaseURL = "https://generativelanguage.googleapis.com/v1beta"

    public let name: String
    public let model: String
    let baseURL: String
    let apiKey: String?
    let exchange: HTTPExchange
    let deadline: Duration
    let url: String
    /// `url` for the plain-HTTP client, parsed once; nil when AsyncHTTPClient takes it.
    let plainTarget: PlainHTTPTarget?

    public init(
        apiKey: String?, model: String = GeminiProvider.defaultModel, baseURL: String = GeminiProvider.defaultBaseURL,
        client: HTTPClient, name: String = "gemini", deadline: Duration = .seconds(120)
    ) {
        self.name = name
        // Accept the "models/gemini-2.0-flash" spelling Google's own listings use.
        self.model = model.hasPrefix("models/") ? String(model.dropFirst("models/".count)) : model
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.apiKey = apiKey.flatMap { $0.isEmpty ? nil : $0 }
        self.exchange = HTTPExchange(provider: name, client: client, redactor: SecretRedactor(secret: apiKey))
        self.deadline = deadline
        let escaped = self.model.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(CharacterSet(charactersIn: "/:"))) ?? self.model
        self.url = "\(self.baseURL)/models/\(escaped):generateContent"
        self.plainTarget = exchange.plainTarget(for: url)
    }

    public func attempt(_ request: LLMRequest) async throws -> LLMCompletion {
        let config: GeminiWire.Request.GenerationConfig? =
            request.temperature == nil && request.maxOutputTokens == nil
            ? nil : .init(temperature: request.temperature, maxOutputTokens: request.maxOutputTokens)
        let body = GeminiWire.Request(
            systemInstruction: request.system.isEmpty ? nil : .init(role: nil, parts: [.init(text: request.system)]),
            contents: [.init(role: "user", parts: [.init(text: request.user)])],
            generationConfig: config
        )
        var headers: [(String, String)] = []
        if let apiKey { headers.append(("x-goog-api-key", apiKey)) }

        let answer = try await exchange.post(url: url, target: plainTarget, headers: headers, body: try JSONEncoder().encode(body), deadline: deadline)
        guard (200..<300).contains(answer.status) else {
            throw exchange.failure(for: answer, url: url, serverMessage: ProviderErrorBody.message(from: answer.body))
        }
        return try completion(from: answer.body, request: request)
    }

    private func completion(from body: Data, request: LLMRequest) throws -> LLMCompletion {
        let response: GeminiWire.Response
        do {
            response = try JSONDecoder().decode(GeminiWire.Response.self, from: body)
        } catch {
            throw exchange.failure(.malformed, "the answer is not a generateContent response: \(ProviderErrorBody.excerpt(body) ?? "empty body")", detail: url)
        }
        guard let candidate = response.candidates?.first else {
            let why = response.promptFeedback?.blockReason.map { " (prompt blocked: \($0))" } ?? ""
            throw exchange.failure(.malformed, "the answer has no candidates\(why)", detail: url)
        }
        let text = (candidate.content?.parts ?? []).compactMap(\.text).joined()
        guard !text.isEmpty else {
            throw exchange.failure(.malformed, "the answer has no text (finishReason \(candidate.finishReason ?? "missing"))", detail: url)
        }
        let tokens = TokenCounts(
            input: response.usageMetadata?.promptTokenCount
                ?? TokenEstimate.tokens(in: request.system) + TokenEstimate.tokens(in: request.user),
            output: response.usageMetadata?.candidatesTokenCount ?? TokenEstimate.tokens(in: text)
        )
        return LLMCompletion(text: text, tokens: tokens)
    }
}
