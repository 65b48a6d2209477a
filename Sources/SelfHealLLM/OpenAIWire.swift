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

    /// Read from the answer's JSON as `Codable` would read it (absent or null fields are nil,
    /// a field of the wrong type makes the whole answer unreadable), in one pass over the bytes.
    struct Response {
        struct Choice {
            struct Message {
                var content: String?
                var refusal: String?
            }
            var message: Message?
            var finishReason: String?
        }
        struct Usage {
            var promptTokens: Int?
            var completionTokens: Int?
        }
        var choices: [Choice]?
        var usage: Usage?

        struct Unreadable: Error {}

        /// The fields read below; an answer's others (its id, model, role, logprobs, token
        /// details) are checked as JSON but not built.
        static let fields = JSONFieldNames(["choices", "message", "content", "refusal", "finish_reason", "usage", "prompt_tokens", "completion_tokens"])

        init(json bytes: some Collection<UInt8>) throws {
            guard case .object(let root) = try JSONValue.parse(bytes, keepingOnly: Self.fields) else { throw Unreadable() }
            choices = try Self.optional(root["choices"]) { value in
                guard case .array(let items) = value else { throw Unreadable() }
                return try items.map { item in
                    guard case .object(let choice) = item else { throw Unreadable() }
                    let message = try Self.optional(choice["message"]) { value in
                        guard case .object(let message) = value else { throw Unreadable() }
                        return Choice.Message(content: try Self.string(message["content"]), refusal: try Self.string(message["refusal"]))
                    }
                    return Choice(message: message, finishReason: try Self.string(choice["finish_reason"]))
                }
            }
            usage = try Self.optional(root["usage"]) { value in
                guard case .object(let usage) = value else { throw Unreadable() }
                return Usage(promptTokens: try Self.int(usage["prompt_tokens"]), completionTokens: try Self.int(usage["completion_tokens"]))
            }
        }

        private static func optional<T>(_ value: JSONValue?, _ read: (JSONValue) throws -> T) throws -> T? {
            guard let value, value != .null else { return nil }
            return try read(value)
        }

        private static func string(_ value: JSONValue?) throws -> String? {
            try optional(value) { value in
                guard case .string(let text) = value else { throw Unreadable() }
                return text
            }
        }

        /// A whole number that fits an `Int`, as `JSONDecoder` accepts (`12`, `12.0`, `1.2e1`).
        private static func int(_ value: JSONValue?) throws -> Int? {
            try optional(value) { value in
                guard case .number(let number) = value, let whole = Int(exactly: number) else { throw Unreadable() }
                return whole
            }
        }
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
