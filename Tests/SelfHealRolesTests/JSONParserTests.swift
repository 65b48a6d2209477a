import Foundation
import SelfHealCore
import Testing

/// `JSONValue.parse` reads the client's body, every LLM answer and the judge's verdict: it must
/// accept what `JSONDecoder` accepts, read it to the same value, refuse what it refuses (but
/// where RFC 8259 and JSONDecoder part: underflowing numbers, `0e1`, UTF-16), and say where a
/// document goes wrong.
@Suite("JSON parser")
struct JSONParserTests {
    static let valid = [
        #"{}"#, #"[]"#, #""""#, #"0"#, #"-0"#, #"12"#, #"-12.5e-3"#, #"1E+2"#, #"0.5"#, #"true"#, #"false"#, #"null"#,
        #" { "a" : [1, 2.5, "x", true, false, null, {"b": {}}, []] } "#,
        #"{"text": "line\nnext\ttab \"quoted\" back\\slash \/ \b\f\r"}"#,
        #"{"unicode": "\u00e9\u4e2d\ud83d\ude00 é中😀", "nul": "a\u0000b"}"#,
        #"{"dup": 1, "dup": 2}"#, #"{"a": 1,}"#, "[1, 2 , ]",
        #"{"choices":[{"index":0,"message":{"role":"assistant","content":"```python\ndef f():\n    return 1\n```"},"finish_reason":"stop"}],"usage":{"prompt_tokens":40,"completion_tokens":30}}"#,
        "\u{FEFF}{\"bom\": true}",
        "[1.7976931348623157e308, 5e-324, 123456789012345678901234567890]",
    ]

    static let invalid = [
        "", " ", "{", "[", "]", "}", #"{"a"}"#, #"{"a":}"#, "[,]", "{,}", "[1,,]", #"{"a":1,,}"#, "[1 2]", #"{a: 1}"#, "{'a': 1}",
        "01", "1.", ".5", "-", "+1", "1e", "1e+", "0x10", "NaN", "Infinity", "-Infinity", "tru", "nul", "True",
        #""abc"#, "\"a\u{01}b\"", #""\x41""#, #""\u12G4""#, #""\ud83d""#, #""\ude00""#, #""\ud83dx""#, #"{"a":1} x"#, "[1] [2]",
        "/* comment */ 1", "1 // comment", "[1e400]",
    ]

    @Test("accepts what JSONDecoder accepts (a trailing comma too), with the same value (the first of a repeated name)")
    func validDocuments() throws {
        for text in Self.valid {
            let expected = try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
            #expect(try JSONValue.parse(text) == expected, "\(text)")
        }
        let read = try JSONValue.parse(#"{"unicode": "\u00e9\ud83d\ude00", "n": -12.5e-3}"#)
        #expect(read == .object(["unicode": .string("é😀"), "n": .number(-0.0125)]))
    }

    /// `value` with every object cut down to the fields in `keep`, at every depth.
    static func kept(_ value: JSONValue, _ keep: Set<String>) -> JSONValue {
        switch value {
        case .object(let fields): .object(fields.filter { keep.contains($0.key) }.mapValues { kept($0, keep) })
        case .array(let items): .array(items.map { kept($0, keep) })
        default: value
        }
    }

    @Test("keeping only some fields reads the same value cut down to them, and refuses the same documents at the same byte")
    func keepingOnlySomeFields() throws {
        let keep: Set<String> = ["choices", "message", "content", "usage", "a", "dup"]
        for text in Self.valid + [
            #"{"id": "chatcmpl-1234567890abcdef", "choices": [{"message": {"role": "assistant", "content": "x", "tool_calls": [{"a": [1, {"a": 2}]}]}, "logprobs": {"content": [{"token": "x", "top": []}]}}], "usage": {"a": 1, "details": {"a": {}}}}"#,
            #"{"skipped": {"a": 1}, "a": {"skipped": [{"a": [true, null]}], "a": "kept"}, "dup": [1], "dup": "second"}"#,
        ] {
            #expect(try JSONValue.parse(Array(text.utf8), keepingOnly: keep) == Self.kept(try JSONValue.parse(text), keep), "\(text)")
        }
        // What is wrong in a field left out is as wrong, at the same byte.
        for text in Self.invalid + [
            #"{"skipped": [1 2], "a": 1}"#, #"{"skipped": {"x": tru}, "a": 1}"#, #"{"skipped": "\ud83d", "a": 1}"#,
            #"{"skipped": [[[[]]]}"#, #"{"skipped": 01}"#,
        ] {
            var expected: JSONParseError?
            do { _ = try JSONValue.parse(text) } catch { expected = error }
            guard let expected else { Issue.record("parse took \(text)"); continue }
            #expect(throws: expected) { try JSONValue.parse(Array(text.utf8), keepingOnly: keep) }
        }
        // Nesting is bounded inside a field left out too, arrays and objects alike.
        let deep = String(repeating: "[", count: JSONValue.maxDepth + 1) + String(repeating: "]", count: JSONValue.maxDepth + 1)
        #expect(throws: JSONParseError.self) { try JSONValue.parse(Array(#"{"skipped": \#(deep)}"#.utf8), keepingOnly: keep) }
        let deepObjects = String(repeating: #"{"x":"#, count: JSONValue.maxDepth + 1) + "1" + String(repeating: "}", count: JSONValue.maxDepth + 1)
        #expect(throws: JSONParseError.self) { try JSONValue.parse(Array(#"{"skipped": \#(deepObjects)}"#.utf8), keepingOnly: keep) }
        // Bytes that are not UTF-8 in a string left out, as a value and as a field name.
        for bytes: [UInt8] in [Array(#"{"skipped": ""#.utf8) + [0xFF] + Array(#"", "a": 1}"#.utf8), Array(#"{"skipped": {""#.utf8) + [0xC3] + Array(#"": 1}}"#.utf8)] {
            #expect((try? JSONValue.parse(bytes)) == nil)
            #expect(throws: JSONParseError.self) { try JSONValue.parse(bytes, keepingOnly: keep) }
        }
    }

    @Test("refuses what JSONDecoder refuses")
    func invalidDocuments() throws {
        for text in Self.invalid {
            #expect((try? JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))) == nil, "JSONDecoder took \(text)")
            #expect((try? JSONValue.parse(text)) == nil, "\(text)")
        }
        // Bytes that are not UTF-8, inside a string and outside one.
        for bytes: [UInt8] in [[0x22, 0xFF, 0x22], [0x22, 0xC3, 0x22], [0xFF], [0x5B, 0xED, 0xA0, 0x80, 0x5D]] {
            #expect((try? JSONValue.parse(bytes)) == nil, "\(bytes)")
        }
        // Strings are checked eight bytes at a time, then byte by byte: a bad byte in either
        // part, as a key or a value, escaped string or not, is refused; a good one reads back.
        let plain = Array("abcdefghijklmnopq".utf8)
        for offset in [0, 7, 8, 15, 16] {
            for bad: [UInt8] in [[0xFF], [0xC3], [0xED, 0xA0, 0x80]] {
                var text = plain
                text.replaceSubrange(offset..<(offset + 1), with: bad)
                for document in [[0x22] + text + [0x22], [0x7B, 0x22] + text + Array(#"":1}"#.utf8), [0x22, 0x5C, 0x6E] + text + [0x22]] {
                    #expect((try? JSONValue.parse(document)) == nil, "\(document)")
                }
            }
            var text = plain
            text.replaceSubrange(offset..<(offset + 1), with: Array("é".utf8))
            #expect(try JSONValue.parse([0x22] + text + [0x22]) == .string(String(decoding: text, as: UTF8.self)))
            #expect(try JSONValue.parse([0x22, 0x5C, 0x6E] + text + [0x22]) == .string("\n" + String(decoding: text, as: UTF8.self)))
        }
    }

    @Test("an error names what is wrong and where")
    func errorsSayWhere() throws {
        #expect(throws: JSONParseError(offset: 8, reason: "expected ',' or '}' in an object")) { try JSONValue.parse(#"{"a": 1 "b": 2}"#) }
        #expect(throws: JSONParseError(offset: 1, reason: "unexpected character '''")) { try JSONValue.parse("['x']") }
        #expect(throws: JSONParseError(offset: 5, reason: "unexpected data after the JSON value")) { try JSONValue.parse("true false") }
        #expect(throws: JSONParseError(offset: 0, reason: "unterminated string")) { try JSONValue.parse(#""abc"#) }
        #expect("\(JSONParseError(offset: 3, reason: "expected a digit"))" == "expected a digit at byte 3")
        // A huge number is quoted by its start only (the message goes back in a 400).
        #expect(throws: JSONParseError(offset: 1, reason: "number 1\(String(repeating: "0", count: 31))… is out of range")) {
            try JSONValue.parse("[1" + String(repeating: "0", count: 2000) + "]")
        }
        #expect(try JSONValue.parse("[1e-400, 0e1]") == .array([.number(0), .number(0)]))
    }

    @Test("nesting is bounded: a hostile document is an error, not a crashed stack")
    func depthIsBounded() throws {
        let deepest = String(repeating: "[", count: JSONValue.maxDepth) + String(repeating: "]", count: JSONValue.maxDepth)
        _ = try JSONValue.parse(deepest)
        #expect(throws: JSONParseError.self) {
            try JSONValue.parse(String(repeating: "[", count: JSONValue.maxDepth + 1) + String(repeating: "]", count: JSONValue.maxDepth + 1))
        }
        #expect(throws: JSONParseError.self) { try JSONValue.parse(String(repeating: #"{"a":"#, count: 200_000)) }
    }

    /// Documents made at random from the pieces that part a kept field from one left out:
    /// names kept or not (escaped, too: `\u0061` is "a"), whole numbers short and long,
    /// fractions, exponents, out-of-range numbers, escaped and non-ASCII strings; then half of
    /// them broken by one byte inserted or removed.
    @Test("keeping only some fields agrees with reading everything on generated documents, broken ones included")
    func keepingAgreesOnGeneratedDocuments() throws {
        let keep: Set<String> = ["a", "content", "choices"]
        var state: UInt64 = 0x5EED_1234
        func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        func pick<T>(_ items: [T]) -> T { items[Int(next() % UInt64(items.count))] }
        let names = [#""a""#, #""b""#, #""content""#, #""\u0061""#, #""cont\u0065nt""#, #""choices""#, #""é""#, #""a\"b""#, #""""#]
        let scalars = [
            "0", "-0", "7", "123456789012345", "1234567890123456", "-98765432109876543210", "0.5", "-1.25e3", "1e400", "-1E-400",
            "1e15", #""x""#, #""line\nnext""#, #""\ud83d\ude00""#, #""é中""#, "true", "false", "null",
        ]
        func value(_ depth: Int) -> String {
            switch depth < 4 ? next() % 4 : 3 {
            case 0: return "{" + (0..<Int(next() % 4)).map { _ in pick(names) + ": " + value(depth + 1) }.joined(separator: ", ") + "}"
            case 1: return "[" + (0..<Int(next() % 4)).map { _ in value(depth + 1) }.joined(separator: ",") + "]"
            default: return pick(scalars)
            }
        }
        let breakers = Array(#"{}[],:"\ -.e0x"#.utf8) + [0x01, 0xFF]
        var checked = 0, broken = 0
        for round in 0..<4_000 {
            var document = Array(("{" + pick(names) + ": " + value(0) + ", " + pick(names) + ": " + value(1) + "}").utf8)
            if round % 2 == 1 {
                let at = Int(next() % UInt64(document.count))
                if next() % 2 == 0 { document.remove(at: at) } else { document.insert(pick(breakers), at: at) }
            }
            let all: Result<JSONValue, JSONParseError> = Result { () throws(JSONParseError) in try JSONValue.parse(document) }
            let some: Result<JSONValue, JSONParseError> = Result { () throws(JSONParseError) in try JSONValue.parse(document, keepingOnly: keep) }
            switch (all, some) {
            case (.success(let everything), .success(let kept)):
                #expect(kept == Self.kept(everything, keep), "\(String(decoding: document, as: UTF8.self))")
            case (.failure(let expected), .failure(let error)):
                #expect(error == expected, "\(String(decoding: document, as: UTF8.self))")
                broken += 1
            default:
                Issue.record("one read failed, the other did not: \(String(decoding: document, as: UTF8.self)) \(all) \(some)")
            }
            checked += 1
        }
        // Both outcomes are well represented.
        #expect(checked == 4_000 && broken > 500 && broken < 3_500)
    }
}
