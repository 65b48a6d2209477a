import Foundation

/// What the user asked for, as far as the simulated provider understands it: a known topic and
/// the name the user wants the function or class to have.
struct CodeRequest: Sendable, Equatable {
    var text: String
    var topic: CodeTopic
    /// A name the request spells out ("a function called `is_prime`", "named foo", "function foo(").
    var requestedName: String?

    init(_ text: String) {
        self.text = text
        self.topic = CodeTopic.match(text)
        self.requestedName = Self.requestedName(in: text)
    }

    /// Words that follow "function" without being its name.
    private static let notNames: Set<String> = [
        "that", "which", "to", "for", "in", "the", "a", "an", "of", "with", "returning", "computing", "and",
        "is", "should", "will", "can", "named", "called", "using", "from", "on", "it", "this", "function", "python", "print",
    ]

    private static let requestedNamePatterns: [NSRegularExpression?] = [
        // "called `is_prime`", "named foo", "call it foo"
        #"(?:called|named|call it|name it)\s+[`'"]?([A-Za-z_][A-Za-z0-9_]*)"#,
        // "function `foo`", "def foo(", "function foo("
        #"(?:function|method|class|def)\s+`([A-Za-z_][A-Za-z0-9_]*)`"#,
        #"(?:function|method|def)\s+([A-Za-z_][A-Za-z0-9_]*)\s*\("#,
        // "function foo that ...", "function foo_bar returning ..."
        #"(?:function|method)\s+([A-Za-z_][A-Za-z0-9_]*)\s+(?:that|which|to|returning|for)\b"#,
        // a bare `snake_case(` call anywhere
        #"`([A-Za-z_][A-Za-z0-9_]*)\(?[^`]*`"#,
        // an unquoted snake_case identifier or call: "tests for is_prime", "make add(a, b) work"
        #"\b([A-Za-z][A-Za-z0-9]*_[A-Za-z0-9_]*[A-Za-z0-9])\b"#,
        #"\b([A-Za-z_][A-Za-z0-9_]*)\((?:[A-Za-z_][A-Za-z0-9_, ]*)?\)"#,
    ].map { try? NSRegularExpression(pattern: $0, options: [.caseInsensitive]) }

    static func requestedName(in text: String) -> String? {
        for (index, regex) in requestedNamePatterns.enumerated() {
            guard let regex else { continue }
            let range = NSRange(text.startIndex..., in: text)
            for match in regex.matches(in: text, range: range) {
                guard let nameRange = Range(match.range(at: 1), in: text) else { continue }
                let name = String(text[nameRange])
                if notNames.contains(name.lowercased()) || !TextMatching.isIdentifier(name) { continue }
                // A back-ticked word only counts when it looks like code, not like emphasis.
                if index == 4, !name.contains("_"), !text[nameRange.upperBound...].hasPrefix("(") { continue }
                return name
            }
        }
        return nil
    }

    /// A name the request states beyond doubt: quoted or back-ticked after "called"/"named",
    /// back-ticked after "function"/"class"/"def", a back-ticked call, or snake_case right after
    /// "called"/"named". The judge holds an answer to this name only: prose such as "called
    /// once for each item" or a `def __init__` inside an example names nothing.
    static func explicitName(in text: String) -> String? {
        for regex in explicitNamePatterns {
            guard let regex else { continue }
            let range = NSRange(text.startIndex..., in: text)
            guard let match = regex.firstMatch(in: text, range: range), let nameRange = Range(match.range(at: 1), in: text) else { continue }
            let name = String(text[nameRange])
            if !name.hasPrefix("__"), TextMatching.isIdentifier(name), !notNames.contains(name.lowercased()) { return name }
        }
        return nil
    }

    private static let explicitNamePatterns: [NSRegularExpression?] = [
        #"(?:called|named|call it|name it)\s+[`'"]([A-Za-z_][A-Za-z0-9_]*)"#,
        #"(?:function|method|class)\s+`(?:def\s+)?([A-Za-z_][A-Za-z0-9_]*)"#,
        #"`def\s+([A-Za-z_][A-Za-z0-9_]*)"#,
        #"`([A-Za-z_][A-Za-z0-9_]*)\("#,
        #"(?:called|named)\s+([A-Za-z][A-Za-z0-9]*_[A-Za-z0-9_]*)"#,
    ].map { try? NSRegularExpression(pattern: $0, options: [.caseInsensitive]) }

    /// A readable snake_case name for a request no template covers: its first meaningful words.
    var derivedName: String {
        let filler: Set<String> = [
            "write", "create", "implement", "build", "design", "make", "develop", "generate", "give", "please",
            "a", "an", "the", "python", "function", "functions", "method", "code", "program", "script", "class",
            "that", "which", "to", "for", "of", "and", "in", "with", "me", "my", "simple", "small", "basic",
            "returns", "return", "takes", "given", "should", "can", "will", "is", "it", "using", "i", "need", "want",
        ]
        let meaningful = TextMatching.words(text).filter { !filler.contains($0) && TextMatching.isIdentifier($0) }
        let name = meaningful.prefix(3).joined(separator: "_")
        return name.isEmpty ? "solve" : name
    }
}
