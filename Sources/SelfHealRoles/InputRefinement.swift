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
        // Most requests are ASCII and normal already: read once, handed back as they are.
        isNormalASCII(text) ? text : normalizeAnyText(text)
    }

    /// `normalize` for any text, line by line.
    static func normalizeAnyText(_ text: String) -> String {
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

    /// Whether `text` is ASCII that `normalize` would give back unchanged: no \r; not starting
    /// with a blank or a newline nor ending with a newline; no two empty lines in a row; and
    /// in every line, after its indent, no tab, no two spaces in a row, no trailing space, nor
    /// a line of blanks alone. (Non-ASCII text takes the general path: U+00A0 is a space there.)
    static func isNormalASCII(_ text: String) -> Bool {
        let utf8 = text.utf8
        guard let first = utf8.first, let last = utf8.last else { return true }
        if first == UInt8(ascii: "\n") || first == UInt8(ascii: " ") || first == UInt8(ascii: "\t") || last == UInt8(ascii: "\n") { return false }
        var inIndent = true  // at a line's start, before its first non-blank
        var previous: UInt8 = 0
        var emptyLines = 0  // empty lines in a row just before this byte
        for byte in utf8 {
            if byte >= 0x80 || byte == UInt8(ascii: "\r") { return false }
            if byte == UInt8(ascii: "\n") {
                if inIndent {
                    // A line of blanks alone becomes empty; an empty line after another goes.
                    if previous != UInt8(ascii: "\n") { return false }
                    emptyLines += 1
                    if emptyLines > 1 { return false }
                } else {
                    if previous == UInt8(ascii: " ") { return false }
                    emptyLines = 0
                }
                inIndent = true
            } else if inIndent {
                if byte != UInt8(ascii: " ") && byte != UInt8(ascii: "\t") { inIndent = false }
            } else if byte == UInt8(ascii: "\t") || (byte == UInt8(ascii: " ") && previous == UInt8(ascii: " ")) {
                return false
            }
            previous = byte
        }
        // The last line: not blanks alone (it does not end with a newline), no trailing space.
        return !inIndent && previous != UInt8(ascii: " ")
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
    ///
    /// ASCII text is read in place: a word becomes a `String`, and is looked up, only when
    /// some language's name has its first letter and length, so a request's words are neither
    /// built nor hashed.
    public static func detectLanguage(in text: String) -> String? {
        var text = text
        let ascii: String?? = text.withUTF8 { bytes in
            asciiWords(in: bytes).map { words in
                language(count: words.count, word: { word(words[$0], in: bytes) }, mayName: { mayName(words[$0], in: bytes) })
            }
        }
        if let ascii { return ascii }
        return language(among: unicodeTokens(text))
    }

    /// `detectLanguage` over the words of a text already split.
    static func language(among words: [String]) -> String? {
        language(count: words.count, word: { words[$0] }, mayName: { _ in true })
    }

    /// The rule itself, over `count` words: `word(i)` the i-th, `mayName(i)` false only when it
    /// cannot be a language's name (a filter that saves building it).
    private static func language(count: Int, word: (Int) -> String, mayName: (Int) -> Bool) -> String? {
        for index in 0..<count where mayName(index) {
            let name = word(index)
            guard let language = languageByWord[name] else { continue }
            if !ambiguous.contains(name) { return language }
            let before = index > 0 ? word(index - 1) : ""
            let after = index + 1 < count ? word(index + 1) : ""
            if cues.contains(before) || nouns.contains(after) { return language }
        }
        return nil
    }

    /// Bit `n` of entry `b`: some word of `languageByWord` is `n` bytes long and starts with `b`.
    private static let candidateLengths: [UInt16] = {
        var table = [UInt16](repeating: 0, count: 256)
        for word in languageByWord.keys where (1..<16).contains(word.utf8.count) {
            table[Int(word.utf8.first!)] |= 1 << word.utf8.count
        }
        return table
    }()

    /// Each word of `languages` (every one names a single language), to its language.
    private static let languageByWord: [String: String] = Dictionary(
        languages.flatMap { language in language.words.map { ($0, language.name) } }, uniquingKeysWith: { first, _ in first }
    )
    private static let ambiguous: Set<String> = ["c", "go", "swift", "java"]
    private static let cues: Set<String> = ["in", "using", "with", "write", "language"]
    private static let nouns: Set<String> = ["function", "program", "code", "script", "class", "module", "method", "snippet", "implementation"]

    public static func isKnownLanguage(_ name: String) -> Bool {
        languages.contains { $0.name == name }
    }

    /// The request's words, lowercased: runs of letters, digits, `+`, `#` and `.`, trailing
    /// dots dropped.
    static func tokens(_ text: String) -> [String] {
        // ASCII: the same words from the bytes, without Unicode's letter tables; any other text
        // goes the general way.
        var text = text
        let ascii = text.withUTF8 { bytes in asciiWords(in: bytes)?.map { word($0, in: bytes) } }
        return ascii ?? unicodeTokens(text)
    }

    /// The words of ASCII text as ranges of its bytes (nil: the text is not ASCII), as
    /// `tokens` defines them; a run of dots alone is an empty word.
    static func asciiWords(in bytes: UnsafeBufferPointer<UInt8>) -> [Range<Int>]? {
        var words: [Range<Int>] = []
        var start: Int?
        func end(at index: Int) {
            guard let first = start else { return }
            var last = index
            while last > first, bytes[last - 1] == UInt8(ascii: ".") { last -= 1 }
            words.append(first..<last)
            start = nil
        }
        for index in bytes.indices {
            let byte = bytes[index]
            if byte >= 0x80 { return nil }
            switch lowered(byte) {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "+"), UInt8(ascii: "#"), UInt8(ascii: "."):
                if start == nil { start = index }
            default:
                end(at: index)
            }
        }
        end(at: bytes.count)
        return words
    }

    /// An ASCII word of `bytes`, lowercased.
    private static func word(_ range: Range<Int>, in bytes: UnsafeBufferPointer<UInt8>) -> String {
        String(unsafeUninitializedCapacity: range.count) { buffer in
            for (offset, index) in range.enumerated() { buffer[offset] = lowered(bytes[index]) }
            return range.count
        }
    }

    /// Whether some language's name has this word's first letter and length.
    private static func mayName(_ range: Range<Int>, in bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        range.count < 16 && candidateLengths[Int(lowered(bytes[range.lowerBound]))] & (1 << range.count) != 0
    }

    private static func lowered(_ byte: UInt8) -> UInt8 {
        byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte + 32 : byte
    }

    static func unicodeTokens(_ text: String) -> [String] {
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
