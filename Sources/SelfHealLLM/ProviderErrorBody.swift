import Foundation

/// The error text inside a provider's error answer. OpenAI and most compatible servers send
/// `{"error":{"message","type","code"}}`, Gemini `{"error":{"code","message","status"}}`,
/// Ollama sometimes `{"error":"..."}`; anything else is shown as a short excerpt.
enum ProviderErrorBody {
    private struct Envelope: Decodable {
        var error: Detail?
        var message: String?
    }

    private enum Detail: Decodable {
        case text(String)
        case object(message: String?, status: String?, type: String?)

        private enum Keys: String, CodingKey { case message, status, type }

        init(from decoder: any Decoder) throws {
            if let text = try? decoder.singleValueContainer().decode(String.self) {
                self = .text(text)
                return
            }
            let container = try decoder.container(keyedBy: Keys.self)
            self = .object(
                message: try? container.decodeIfPresent(String.self, forKey: .message),
                status: try? container.decodeIfPresent(String.self, forKey: .status),
                type: try? container.decodeIfPresent(String.self, forKey: .type)
            )
        }
    }

    static let excerptLength = 300

    /// "PERMISSION_DENIED: API key not valid", "Incorrect API key provided", or an excerpt.
    static func message(from body: Data) -> String? {
        if let envelope = try? JSONDecoder().decode(Envelope.self, from: body) {
            switch envelope.error {
            case .text(let text)?:
                return clip(text)
            case .object(let message, let status, _)?:
                if let message, !message.isEmpty {
                    return clip(status.map { "\($0): \(message)" } ?? message)
                }
                if let status { return status }
            case nil:
                if let message = envelope.message, !message.isEmpty { return clip(message) }
            }
        }
        return excerpt(body)
    }

    /// The start of a body, on one line, for messages about answers that are not the protocol.
    static func excerpt(_ body: Data) -> String? {
        let text = String(decoding: body.prefix(excerptLength * 4), as: UTF8.self)
            .split(whereSeparator: \.isNewline).joined(separator: " ")
            .trimmingCharacters(in: .whitespaces)
        return text.isEmpty ? nil : clip(text)
    }

    private static func clip(_ text: String) -> String {
        text.count <= excerptLength ? text : String(text.prefix(excerptLength)) + "…"
    }
}
