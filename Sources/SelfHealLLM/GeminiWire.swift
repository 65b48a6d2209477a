/// Gemini's `models/{model}:generateContent` request and response, the fields selfheal uses.
enum GeminiWire {
    struct Part: Codable {
        var text: String?
    }

    struct Content: Codable {
        var role: String?
        var parts: [Part]?
    }

    struct Request: Encodable {
        struct GenerationConfig: Encodable {
            var temperature: Double?
            var maxOutputTokens: Int?
        }
        var systemInstruction: Content?
        var contents: [Content]
        var generationConfig: GenerationConfig?
    }

    struct Response: Decodable {
        struct Candidate: Decodable {
            var content: Content?
            var finishReason: String?
        }
        struct PromptFeedback: Decodable {
            var blockReason: String?
        }
        struct UsageMetadata: Decodable {
            var promptTokenCount: Int?
            var candidatesTokenCount: Int?
        }
        var candidates: [Candidate]?
        var promptFeedback: PromptFeedback?
        var usageMetadata: UsageMetadata?
    }
}
