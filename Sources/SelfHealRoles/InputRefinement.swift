import Foundation

/// Cleans what a client sent before it reaches the worker: whitespace normalised, and the
/// programming language detected when the request names one.
public enum InputRefinement {
    /// Languages selfheal recognises, with the words that name them in a request.
    public static let languages: [(name: String, words: [String])] = [
        ("python", ["python", "py3"]),
        ("javascript", ["javascript", "node.js", "nodejs"]),
        ("typescript", ["typescript"]),
        ("java", ["java"]),
        ("go", ["golang", "go"]),
        ("rust", ["rust"]),
        ("cpp", ["c++", "cpp"]),
        ("csharp", ["c#", "csharp"]),
        ("c", ["c"]),
        ("ruby", ["ruby"]),
        ("php", ["php"]),
        ("kotlin", ["kotlin"]),
        ("swift", ["swift"]),
        ("bash", ["bash", "shell script"]),
        ("sql", ["sql"]),
    ]

    public static let defaultLanguage = "python"

    /// CRLF to LF, tabs and runs of spaces to one space, line ends trimmed, at most one blank
    /// line in a row, leading and trailing blank space removed. Code indentation inside the
    /// request (after the first line) is kept: only runs *after* the first non-space
    /// character of a line collapse.
    public static func normalize(_ text: String) -> String {
        // Foundation's replacing costs more than the rest of this; most inputs have no \r.
        let unified = !text.utf8.contains(UInt8(ascii: "\r")) ? text
            : text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
        var lines: [String] = []
        var blankRun = 0
        for raw in unified.split(separator: "\n", omittingEmptySubsequences: false) {
            let line = collapseInnerSpaces(raw)
            if line.isEmpty {
                blankRun += 1
                if blankRun > 1 { continue }
            } else {
                blankRun = 0
            }
            lines.append(line)
        }
        while lines.first?.isEmpty == true { lines.removeFirst() }
        while lines.last?.isEmpty == true { lines.removeLast() }
        if let first = lines.first {
            lines[0] = String(first.drop(while: { $0 == " " || $0 == "\t" }))
        }
        return lines.joined(separator: "\n")
    }

    private static func collapseInnerSpaces(_ line: Substring) -> String {
        let indent = line.prefix(while: { $0 == " " || $0 == "\t" })
        var out = String(indent)
        var lastWasSpace = false
        for ch in line.dropFirst(indent.count) {
            let isSpace = ch == " " || ch == "\t" || ch == "\u{00A0}"
            if isSpace {
                if !lastWasSpace { out.append(" ") }
            } else {
                out.append(ch)
            }
            lastWasSpace = isSpace
        }
        while out.last == " " { out.removeLast() }
        return out.allSatisfy({ $0 == " " || $0 == "\t" }) ? "" : out
    }

    /// The language the request asks for ("... in Rust", "a Go function"), or nil.
    /// Single-letter and common-word names (c, go) only count next to "in", "using" or a
    /// code noun, so "go through the list" is not Go.
    public static func detectLanguage(in text: String) -> String? {
        let words = tokens(text)
        let ambiguous: Set<String> = ["c", "go", "swift", "java"]
        let cues: Set<String> = ["in", "using", "with", "write", "language"]
        let nouns: Set<String> = ["function", "program", "code", "script", "class", "module", "method", "snippet", "implementation"]
        for (index, word) in words.enumerated() {
            for language in languages where language.words.contains(word) {
                if !ambiguous.contains(word) { return language.name }
                let before = index > 0 ? words[index - 1] : ""
                let after = index + 1 < words.count ? words[index + 1] : ""
                if cues.contains(before) || nouns.contains(after) { return language.name }
            }
        }
        return nil
    }

    public static func isKnownLanguage(_ name: String) -> Bool {
        languages.contains { $0.name == name }
    }

    private static func tokens(_ text: String) -> [String] {
        var result: [String] = []
        var current = ""
        for ch in text.lowercased() {
            if ch.isLetter || ch.isNumber || ch == "+" || ch == "#" || ch == "." {
                current.append(ch)
            } else if !current.isEmpty {
                result.append(current.trimmingTrailingDots())
                current = ""
            }
        }
        if !current.isEmpty { result.append(current.trimmingTrailingDots()) }
        return result
    }
}

extension String {
    fileprivate func trimmingTrailingDots() -> String {
        var s = self
        while s.last == "." { s.removeLast() }
        return s
    }
}
