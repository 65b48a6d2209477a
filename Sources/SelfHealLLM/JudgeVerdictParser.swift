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
        let candidates = jsonObjects(in: answer).filter { $0["score"] != nil }
        var distinct: [[String: JSONValue]] = []
        for candidate in candidates where !distinct.contains(candidate) { distinct.append(candidate) }
        guard let object = distinct.first else {
            return .unavailable("judge answer was not a JSON verdict: \(preview(answer))")
        }
        if distinct.count > 1 {
            return .unavailable("judge answer was ambiguous: \(distinct.count) different JSON verdicts: \(preview(answer))")
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

    /// Every top-level balanced `{...}` span (string-aware) that decodes as a JSON object.
    static func jsonObjects(in text: String) -> [[String: JSONValue]] {
        let characters = Array(text.utf8)
        var objects: [[String: JSONValue]] = []
        var index = 0
        while index < characters.count {
            guard characters[index] == UInt8(ascii: "{"), let end = matchingBrace(in: characters, from: index) else {
                index += 1
                continue
            }
            if case .object(let object)? = try? JSONValue.parse(characters[index...end]) {
                objects.append(object)
                index = end + 1
            } else {
                index += 1
            }
        }
        return objects
    }

    /// Index of the brace closing the one at `start`, skipping braces inside JSON strings.
    private static func matchingBrace(in characters: [UInt8], from start: Int) -> Int? {
        var depth = 0
        var inString = false
        var escaped = false
        for index in start..<characters.count {
            let character = characters[index]
            if inString {
                if escaped { escaped = false } else if character == UInt8(ascii: "\\") { escaped = true } else if character == UInt8(ascii: "\"") { inString = false }
                continue
            }
            switch character {
            case UInt8(ascii: "\""): inString = true
            case UInt8(ascii: "{"): depth += 1
            case UInt8(ascii: "}"):
                depth -= 1
                if depth == 0 { return index }
            default: break
            }
        }
        return nil
    }
}
