import Foundation

/// Removes a secret (the API key) from any text before it reaches a log or a client: some
/// servers echo the key they were sent in their error messages.
struct SecretRedactor: Sendable {
    let secret: String?

    init(secret: String?) {
        // Very short "keys" (Ollama users type "x") would redact ordinary letters.
        self.secret = secret.flatMap { $0.count >= 4 ? $0 : nil }
    }

    func clean(_ text: String) -> String {
        guard let secret, text.contains(secret) else { return text }
        return text.replacingOccurrences(of: secret, with: "[redacted]")
    }
}
