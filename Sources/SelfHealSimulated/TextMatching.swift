import Foundation

/// Small, deterministic text helpers of the simulated provider: its model, judge and rewriter.
/// Everything here matches case-insensitively on whole words so "test" does not fire on "latest".
enum TextMatching {
    /// Lowercased words (letters, digits, underscores), in order.
    static func words(_ text: String) -> [String] {
        var result: [String] = []
        var current = ""
        let alphanumerics = CharacterSet.alphanumerics
        for scalar in text.lowercased().unicodeScalars {
            let isWordScalar = scalar.isASCII
                ? (scalar >= "a" && scalar <= "z") || (scalar >= "0" && scalar <= "9") || scalar == "_"
                : alphanumerics.contains(scalar)
            if isWordScalar {
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
                if !isBlank(current) { result.append(current) }
                current = ""
            } else {
                current.append(character)
            }
        }
        if !isBlank(current) { result.append(current) }
        return result
    }

    /// Spaces and tabs (and the other Unicode space separators), not line breaks: what
    /// `CharacterSet.whitespaces` holds, without bridging to NSString for every line.
    static func isSpace(_ character: Character) -> Bool {
        character == " " || character == "\t" || (character.isWhitespace && !character.isNewline)
    }

    /// `text` without the spaces and tabs at either end.
    static func trimmed<S: StringProtocol>(_ text: S) -> String {
        guard let first = text.firstIndex(where: { !isSpace($0) }) else { return "" }
        let last = text.lastIndex(where: { !isSpace($0) })!
        return String(text[first...last])
    }

    static func isBlank<S: StringProtocol>(_ text: S) -> Bool { text.allSatisfy(isSpace) }

    /// Python identifiers are ASCII letters, digits and underscores, not starting with a digit.
    static func isIdentifier(_ text: String) -> Bool {
        guard let first = text.utf8.first else { return false }
        return text.utf8.allSatisfy { byte in
            (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
                || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || byte == UInt8(ascii: "_")
        } && !(first >= UInt8(ascii: "0") && first <= UInt8(ascii: "9"))
    }
}
