/// The documented `chat.completions` request and response, and nothing more, so that every
/// OpenAI-compatible server (OpenAI, vLLM, Ollama, llama.cpp) can answer it.
import SelfHealCore

enum OpenAIWire {
    struct Request: Encodable {
        struct Message: Encodable {
            var role: String
            var content: String
        }
        var model: String
        var messages: [Message]
        var temperature: Double?
        var maxTokens: Int?
        var stream = false

        enum CodingKeys: String, CodingKey {
            case model, messages, temperature, stream
            case maxTokens = "max_tokens"
        }
    }

    struct Response: Decodable {
        struct Choice: Decodable {
            struct Message: Decodable {
                var content: String?
                var refusal: String?
            }
            var message: Message?
            var finishReason: String?

            enum CodingKeys: String, CodingKey {
                case message
                case finishReason = "finish_reason"
            }
        }
        struct Usage: Decodable {
            var promptTokens: Int?
            var completionTokens: Int?

            enum CodingKeys: String, CodingKey {
                case promptTokens = "prompt_tokens"
                case completionTokens = "completion_tokens"
            }
        }
        var choices: [Choice]?
        var usage: Usage?
    }
}

/// Written by hand, fields in their declared order (two requests per answer: the generation
/// and the judge). `OpenAIWireTests` holds it to what `JSONEncoder` writes.
extension OpenAIWire.Request: JSONWritable {
    func write(to writer: inout JSONWriter) {
        writer.beginObject()
        writer.key("model"); writer.string(model)
        writer.key("messages")
        writer.beginArray()
        for message in messages {
            writer.beginObject()
            writer.key("role"); writer.string(message.role)
            writer.key("content"); writer.string(message.content)
            writer.endObject()
        }
        writer.endArray()
        if let temperature { writer.key("temperature"); writer.number(temperature) }
        if let maxTokens { writer.key("max_tokens"); writer.number(maxTokens) }
        writer.key("stream"); writer.bool(stream)
        writer.endObject()
    }
}
