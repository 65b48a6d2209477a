import Foundation
public import SelfHealCore

/// Reads a judge model's answer into a verdict, tolerating the ways real models wrap JSON
/// (a ```json fence, a sentence before it, a remark after it) but never guessing a score.
///
/// It collects every balanced `{...}` object in the answer that decodes to JSON and has a
/// `score` key. Exactly one distinct such object: that is the verdict. None: "not a JSON verdict".
/// Several that disagree: ambiguous, so unavailable — a quoted `{"score": 1.0}` from the
/// candidate must not win by position. A score that is not a number in [0, 1] is refused.
/// An optional `confidence` in [0, 1] scales the judge's weight in the final score.
public enum JudgeVerdictParser {
    public static func parse(_ answer: String) -> JudgeVerdict {
        guard let objects = jsonObjects(in: answer) else {
            return .unavailable("judge answer has too many braces that do not form JSON to be read: \(preview(answer))")
        }
        var distinct: [[String: JSONValue]] = []
        // Two different verdicts already make the answer ambiguous: no need to compare more.
        for candidate in objects where candidate["score"] != nil && !distinct.contains(candidate) {
            distinct.append(candidate)
            if distinct.count > 1 { break }
        }
        guard let object = distinct.first else {
            return .unavailable("judge answer was not a JSON verdict: \(preview(answer))")
        }
        if distinct.count > 1 {
            return .unavailable("judge answer was ambiguous: more than one different JSON verdict: \(preview(answer))")
        }
        guard case .number(let score)? = object["score"] else {
            return .unavailable("judge score is not a number: \(object["score"]?.summary ?? "missing")")
        }
        guard score.isFinite, (0...1).contains(score) else {
            return .unavailable("judge score out of range [0, 1]: \(score)")
        }
        return JudgeVerdict(score: score, feedback: feedback(object["feedback"]), available: true, confidence: confidence(object["confidence"]))
    }

    /// The optional `confidence` a judge may state. Anything but a number in [0, 1] is read as
    /// not stated (full weight): a judge cannot gain weight by answering out of range.
    private static func confidence(_ value: JSONValue?) -> Double? {
        guard case .number(let confidence)? = value, confidence.isFinite, (0...1).contains(confidence) else { return nil }
        return confidence
    }

    /// Feedback is free text; models sometimes send a list of points instead of one string.
    private static func feedback(_ value: JSONValue?) -> String {
        switch value {
        case .string(let text): text
        case .array(let items):
            items.compactMap { item -> String? in
                if case .string(let text) = item { return text }
                return nil
            }.joined(separator: "; ")
        default: ""
        }
    }

    private static func preview(_ answer: String) -> String {
        String(answer.trimmingCharacters(in: .whitespacesAndNewlines).prefix(200))
    }

    /// Every top-level balanced `{...}` span (string-aware) that decodes as a JSON object; nil
    /// when reading them would take more than a bounded amount of work (see `Scan`).
    static func jsonObjects(in text: String) -> [[String: JSONValue]]? {
        var scan = Scan(Array(text.utf8))
        var objects: [[String: JSONValue]] = []
        var index = 0
        while index < scan.characters.count {
            guard scan.characters[index] == UInt8(ascii: "{") else {
                index += 1
                continue
            }
            guard let end = scan.matchingBrace(from: index) else {
                if scan.exhausted { return nil }
                index += 1
                continue
            }
            do {
                let value = try JSONValue.parse(scan.characters[index...end])
                scan.spend(end - index + 1)
                if case .object(let object) = value {
                    objects.append(object)
                    index = end + 1
                    continue
                }
            } catch {
                // The parser stops at the first problem: that much was read.
                scan.spend(error.offset + 1)
            }
            if scan.exhausted { return nil }
            index += 1
        }
        return objects
    }

    /// Finds the brace closing each `{`, with the work bounded by the answer's length.
    ///
    /// Tried from every `{` in turn, a scan to the end of the answer for each unclosed one would
    /// take time quadratic in the answer (`{{{{...`). A scan records what it learns on the way:
    /// the brace closing each `{` it passed outside a string, and, when it reaches the end
    /// unclosed, that every such `{` is unclosed too (from one of them a scan reads the same
    /// strings and never returns to its depth). Whatever an answer still makes it do beyond
    /// `budget` bytes read (scans and parse attempts together) ends the search: such an answer
    /// is not a verdict a model writes.
    struct Scan {
        let characters: [UInt8]
        /// Per byte: -1 not known; -2 a `{` with no closing brace; else the closing brace's index.
        private var closing: [Int]
        private var budget: Int
        private(set) var exhausted = false

        init(_ characters: [UInt8]) {
            self.characters = characters
            closing = Array(repeating: -1, count: characters.count)
            budget = 16 * characters.count + 65_536
        }

        mutating func spend(_ bytes: Int) {
            budget -= bytes
            if budget < 0 { exhausted = true }
        }

        /// Index of the brace closing the one at `start`, skipping braces inside JSON strings.
        mutating func matchingBrace(from start: Int) -> Int? {
            switch closing[start] {
            case -2: return nil
            case -1: break
            case let known: return known
            }
            var open: [Int] = []
            var inString = false
            var escaped = false
            var index = start
            while index < characters.count {
                let character = characters[index]
                index += 1
                if inString {
                    if escaped { escaped = false } else if character == UInt8(ascii: "\\") { escaped = true } else if character == UInt8(ascii: "\"") { inString = false }
                    continue
                }
                switch character {
                case UInt8(ascii: "\""): inString = true
                case UInt8(ascii: "{"): open.append(index - 1)
                case UInt8(ascii: "}"):
                    let opened = open.removeLast()
                    closing[opened] = index - 1
                    if open.isEmpty {
                        spend(index - start)
                        return index - 1
                    }
                default: break
                }
            }
            for opened in open { closing[opened] = -2 }
            spend(index - start)
            return nil
        }
    }
}
