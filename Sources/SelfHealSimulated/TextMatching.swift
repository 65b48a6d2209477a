import Foundation

/// Small, deterministic text helpers of the simulated provider: its model, judge and rewriter.
/// Everything here matches case-insensitively on whole words so "test" does not fire on "latest".
enum TextMatching {
    /// Lowercased words (letters, digits, underscores), in order.
    static func words(_ text: String) -> [String] {
        var result: [String] = []
        var current = ""
        for scalar in text.lowercased().unicodeScalars {
            if CharacterSet.alphanumerics.contains(scalar) || scalar == "_" {
                current.unicodeScalars.append(scalar)
            } else if !current.isEmpty {
                result.append(current)
                current = ""
            }
        }
        if !current.isEmpty { result.append(current) }
        return result
    }

    /// Whether `text` contains any of `phrases` (one or more words each) as consecutive whole
    /// words. A phrase word ending in `*` matches any word starting with it ("document*" matches "documented").
    static func containsAny(_ text: String, _ phrases: [String]) -> Bool {
        let tokens = words(text)
        return phrases.contains { firstIndex(of: $0, in: tokens) != nil }
    }

    /// Index of the first word of the first occurrence of `phrase` in `tokens`.
    static func firstIndex(of phrase: String, in tokens: [String]) -> Int? {
        let pattern = phrase.lowercased().split(separator: " ").map(String.init)
        guard !pattern.isEmpty, tokens.count >= pattern.count else { return nil }
        for start in 0...(tokens.count - pattern.count) {
            var matched = true
            for (offset, part) in pattern.enumerated() {
                let token = tokens[start + offset]
                if part.hasSuffix("*") {
                    if !token.hasPrefix(String(part.dropLast())) { matched = false; break }
                } else if token != part {
                    matched = false
                    break
                }
            }
            if matched { return start }
        }
        return nil
    }

    /// Splits text into sentences and lines, so an instruction and its negation are read together.
    static func sentences(_ text: String) -> [String] {
        var result: [String] = []
        var current = ""
        for character in text {
            if character == "\n" || character == "." || character == ";" || character == "!" || character == "?" {
                if !current.trimmingCharacters(in: .whitespaces).isEmpty { result.append(current) }
                current = ""
            } else {
                current.append(character)
            }
        }
        if !current.trimmingCharacters(in: .whitespaces).isEmpty { result.append(current) }
        return result
    }

    /// Python identifiers are ASCII letters, digits and underscores, not starting with a digit.
    static func isIdentifier(_ text: String) -> Bool {
        guard let first = text.unicodeScalars.first, !text.isEmpty else { return false }
        let allowed = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_")
        return text.unicodeScalars.allSatisfy { allowed.contains($0) } && !("0"..."9").contains(Character(first))
    }
}
