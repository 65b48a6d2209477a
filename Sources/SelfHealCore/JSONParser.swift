/// Where and why a document is not JSON.
public struct JSONParseError: Error, CustomStringConvertible, Equatable {
    /// Byte offset of the problem in the document.
    public let offset: Int
    public let reason: String
    public var description: String { "\(reason) at byte \(offset)" }

    public init(offset: Int, reason: String) {
        self.offset = offset
        self.reason = reason
    }
}

/// A strict JSON (RFC 8259) reader straight into `JSONValue`, for the documents read on every
/// request: the client's body, each LLM answer, the judge's verdict. `JSONDecoder` through
/// `Codable` cost about 5 % of selfheal's CPU per request on those (`bench overhead`); this
/// reads the same documents in a single pass over the bytes.
///
/// It takes what `JSONDecoder` takes and refuses what it refuses (a differential fuzz of ~3M
/// documents agreed on every value), but where the two part RFC 8259 decides: a number too
/// small for a Double reads as 0 and `0e1` as 0 (JSONDecoder refuses both), and only UTF-8 is
/// read (JSONDecoder also guesses UTF-16 and UTF-32).
///
/// Strict where JSON is (one trailing comma aside, as JSONDecoder): no comments, no NaN, no unescaped control
/// characters, no lone surrogates, valid UTF-8 only, nothing after the value. Nesting is
/// bounded (`maxDepth`), so a hostile body cannot exhaust the stack.
extension JSONValue {
    public static let maxDepth = 512

    /// The one JSON value `bytes` holds (whitespace around it allowed, a UTF-8 byte-order mark
    /// before it skipped).
    public static func parse(_ bytes: some Collection<UInt8>) throws(JSONParseError) -> JSONValue {
        try parse(bytes, keeping: nil)
    }

    public static func parse(_ text: String) throws(JSONParseError) -> JSONValue {
        try parse(text.utf8)
    }

    /// As `parse(_:)`, but every object keeps only the fields named in `fields`. The others are
    /// read as strictly (the document must be just as valid, and fails at the same byte) but
    /// not built: for a document of which a few fields are used, such as an LLM's answer.
    public static func parse(_ bytes: some Collection<UInt8>, keepingOnly fields: JSONFieldNames) throws(JSONParseError) -> JSONValue {
        try parse(bytes, keeping: fields)
    }

    public static func parse(_ bytes: some Collection<UInt8>, keepingOnly fields: Set<String>) throws(JSONParseError) -> JSONValue {
        try parse(bytes, keeping: JSONFieldNames(fields))
    }

    /// `fields`: nil keeps every field.
    private static func parse(_ bytes: some Collection<UInt8>, keeping fields: JSONFieldNames?) throws(JSONParseError) -> JSONValue {
        let result = bytes.withContiguousStorageIfAvailable { buffer in
            Result { () throws(JSONParseError) in try parse(buffer: buffer, keeping: fields) }
        }
        if let result { return try result.get() }
        let copy = Array(bytes)
        return try copy.withUnsafeBufferPointer { buffer throws(JSONParseError) in try parse(buffer: buffer, keeping: fields) }
    }

    private static func parse(buffer: UnsafeBufferPointer<UInt8>, keeping fields: JSONFieldNames?) throws(JSONParseError) -> JSONValue {
        var reader = JSONReader(bytes: buffer)
        reader.keep = fields
        if buffer.count >= 3, buffer[0] == 0xEF, buffer[1] == 0xBB, buffer[2] == 0xBF { reader.index = 3 }
        reader.skipWhitespace()
        let value = try reader.value(depth: 0)
        reader.skipWhitespace()
        guard reader.index == buffer.count else { throw reader.error("unexpected data after the JSON value") }
        return value
    }
}

/// The names of the fields `JSONValue.parse(_:keepingOnly:)` keeps, made once (a static) and
/// compared as bytes: the names left out are never made into `String`s or hashed.
public struct JSONFieldNames: Sendable {
    private let names: [[UInt8]]

    public init(_ names: Set<String>) {
        self.names = names.map { Array($0.utf8) }
    }

    func contains(_ name: UnsafeBufferPointer<UInt8>) -> Bool {
        names.contains { candidate in
            guard candidate.count == name.count else { return false }
            for offset in 0..<name.count where candidate[offset] != name[offset] { return false }
            return true
        }
    }
}

private struct JSONReader {
    let bytes: UnsafeBufferPointer<UInt8>
    var index = 0
    /// The fields an object keeps; nil: all of them.
    var keep: JSONFieldNames?

    init(bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
    }

    func error(_ reason: String, at offset: Int? = nil) -> JSONParseError {
        JSONParseError(offset: offset ?? index, reason: reason)
    }

    mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x0A, 0x0D, 0x09: index += 1
            default: return
            }
        }
    }

    mutating func value(depth: Int) throws(JSONParseError) -> JSONValue {
        guard index < bytes.count else { throw error("unexpected end of the document") }
        switch bytes[index] {
        case UInt8(ascii: "{"): return try object(depth: depth + 1)
        case UInt8(ascii: "["): return try array(depth: depth + 1)
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "t"): try literal("true"); return .bool(true)
        case UInt8(ascii: "f"): try literal("false"); return .bool(false)
        case UInt8(ascii: "n"): try literal("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try number())
        default: throw error("unexpected character '\(Self.show(bytes[index]))'")
        }
    }

    private static func show(_ byte: UInt8) -> String {
        (0x21...0x7E).contains(byte) ? String(UnicodeScalar(byte)) : "\\u{\(String(byte, radix: 16))}"
    }

    private mutating func literal(_ word: StaticString) throws(JSONParseError) {
        let count = word.utf8CodeUnitCount
        guard index + count <= bytes.count else { throw error("unexpected end of the document") }
        let expected = UnsafeBufferPointer(start: word.utf8Start, count: count)
        for offset in 0..<count where bytes[index + offset] != expected[offset] {
            throw error("unexpected character '\(Self.show(bytes[index + offset]))'", at: index + offset)
        }
        index += count
    }

    /// An object; when not `building`, read as strictly but nothing of it kept (a field left
    /// out, or inside one), and `.null` returned.
    private mutating func object(depth: Int, building: Bool = true) throws(JSONParseError) -> JSONValue {
        guard depth <= JSONValue.maxDepth else { throw error("nested deeper than \(JSONValue.maxDepth) levels") }
        index += 1
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
            index += 1
            return building ? .object([:]) : .null
        }
        // The fields in order, made a dictionary once they are all read: each name hashed once
        // and the dictionary made at its size, where inserting as they came hashed each twice
        // (the first of a repeated name counts) and grew the table a doubling at a time.
        var fields: [(String, JSONValue)] = []
        if building { fields.reserveCapacity(keep == nil ? 8 : 2) }
        func built() -> JSONValue {
            building ? .object(Dictionary(fields, uniquingKeysWith: { first, _ in first })) : .null
        }
        while true {
            skipWhitespace()
            guard index < bytes.count else { throw error("unexpected end of the document") }
            guard bytes[index] == UInt8(ascii: "\"") else { throw error("expected a field name in quotes") }
            let key: String?
            if building { key = try keptKey() } else { try skipString(); key = nil }
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { throw error("expected ':' after a field name") }
            index += 1
            skipWhitespace()
            if let key {
                // The first of a repeated name counts, as with JSONDecoder (`built`).
                fields.append((key, try value(depth: depth)))
            } else {
                try skipValue(depth: depth)
            }
            skipWhitespace()
            guard index < bytes.count else { throw error("unexpected end of the document") }
            switch bytes[index] {
            case UInt8(ascii: ","):
                index += 1
                if closes(UInt8(ascii: "}")) { return built() }
            case UInt8(ascii: "}"): index += 1; return built()
            default: throw error("expected ',' or '}' in an object")
            }
        }
    }

    /// The field name at `index`, or nil (read all the same) when the object does not keep it.
    private mutating func keptKey() throws(JSONParseError) -> String? {
        guard let keep else { return try string() }
        let (prefix, closed) = try plainPrefix()
        let raw = UnsafeBufferPointer(rebasing: bytes[prefix])
        // Compared as bytes: no `String` made or hashed for the names left out.
        if closed, Self.isASCII(raw) { return keep.contains(raw) ? String(decoding: raw, as: UTF8.self) : nil }
        // Escaped, or not ASCII: decoded and checked as `string()` does, then compared.
        var name = closed ? try text(prefix) : try unescaped(after: prefix)
        return name.withUTF8 { keep.contains($0) } ? name : nil
    }

    /// An array; when not `building`, as `object(depth:building:)`.
    private mutating func array(depth: Int, building: Bool = true) throws(JSONParseError) -> JSONValue {
        guard depth <= JSONValue.maxDepth else { throw error("nested deeper than \(JSONValue.maxDepth) levels") }
        index += 1
        var items: [JSONValue] = []
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
            index += 1
            return building ? .array(items) : .null
        }
        while true {
            skipWhitespace()
            if building { items.append(try value(depth: depth)) } else { try skipValue(depth: depth) }
            skipWhitespace()
            guard index < bytes.count else { throw error("unexpected end of the document") }
            switch bytes[index] {
            case UInt8(ascii: ","):
                index += 1
                if closes(UInt8(ascii: "]")) { return building ? .array(items) : .null }
            case UInt8(ascii: "]"): index += 1; return building ? .array(items) : .null
            default: throw error("expected ',' or ']' in an array")
            }
        }
    }

    /// Reads a value a caller left out as strictly as `value` does (it fails where `value`
    /// would, with the same error) without building it.
    private mutating func skipValue(depth: Int) throws(JSONParseError) {
        guard index < bytes.count else { throw error("unexpected end of the document") }
        switch bytes[index] {
        case UInt8(ascii: "{"): _ = try object(depth: depth + 1, building: false)
        case UInt8(ascii: "["): _ = try array(depth: depth + 1, building: false)
        case UInt8(ascii: "\""): try skipString()
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): _ = try number(converting: false)
        default: _ = try value(depth: depth)
        }
    }

    /// A comma before the closing bracket, which JSONDecoder lets pass (and so does this, so
    /// that a body or a verdict it took is still taken).
    private mutating func closes(_ bracket: UInt8) -> Bool {
        skipWhitespace()
        guard index < bytes.count, bytes[index] == bracket else { return false }
        index += 1
        return true
    }

    /// A number; when not `converting` (a value left out), 0 unless it must be converted to
    /// know it is in range.
    private mutating func number(converting: Bool = true) throws(JSONParseError) -> Double {
        let start = index
        let negative = bytes[index] == UInt8(ascii: "-")
        if negative { index += 1 }
        guard index < bytes.count, Self.isDigit(bytes[index]) else { throw error("expected a digit") }
        let digitsStart = index
        if bytes[index] == UInt8(ascii: "0") {
            index += 1
            if index < bytes.count, Self.isDigit(bytes[index]) { throw error("a number cannot start with 0") }
        } else {
            skipDigits()
        }
        let integerEnd = index
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            guard index < bytes.count, Self.isDigit(bytes[index]) else { throw error("expected a digit after '.'") }
            skipDigits()
        }
        if index < bytes.count, bytes[index] | 0x20 == UInt8(ascii: "e") {
            index += 1
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
            guard index < bytes.count, Self.isDigit(bytes[index]) else { throw error("expected a digit in the exponent") }
            skipDigits()
        }
        // A whole number of up to 15 digits (token counts, indexes) is exact in a Double: read
        // from its digits, not through a String and `Double.init`.
        if integerEnd == index, index - digitsStart <= 15 {
            guard converting else { return 0 }
            var whole = 0
            for digit in bytes[digitsStart..<index] { whole = whole * 10 + Int(digit &- UInt8(ascii: "0")) }
            return negative ? -Double(whole) : Double(whole)
        }
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
        guard let number = Double(text), number.isFinite else {
            // The number itself may be megabytes long: the message quotes its start.
            let shown = text.count > 32 ? text.prefix(32) + "…" : Substring(text)
            throw error("number \(shown) is out of range", at: start)
        }
        return number
    }

    private static func isDigit(_ byte: UInt8) -> Bool { byte &- UInt8(ascii: "0") < 10 }

    private mutating func skipDigits() {
        while index < bytes.count, Self.isDigit(bytes[index]) { index += 1 }
    }

    /// A string at `index` (its opening quote), unescaped.
    private mutating func string() throws(JSONParseError) -> String {
        let (prefix, closed) = try plainPrefix()
        return closed ? try text(prefix) : try unescaped(after: prefix)
    }

    /// Reads the string at `index` as strictly as `string()` does without making it a `String`
    /// when it has no escape; true then (its bytes, between the quotes, are its value), false
    /// when it had one (and was decoded, to check it the same way).
    @discardableResult
    private mutating func skipString() throws(JSONParseError) -> Bool {
        let (prefix, closed) = try plainPrefix()
        guard closed else {
            _ = try unescaped(after: prefix)
            return false
        }
        if !Self.isASCII(UnsafeBufferPointer(rebasing: bytes[prefix])) { _ = try text(prefix) }
        return true
    }

    /// The start of the string at `index` (its opening quote), as both readers of a string
    /// begin: most strings have no escape, so the bytes up to the closing quote (`closed`,
    /// `index` past it) or up to the first backslash (`index` on it).
    private mutating func plainPrefix() throws(JSONParseError) -> (bytes: Range<Int>, closed: Bool) {
        index += 1
        let start = index
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                index += 1
                return (start..<(index - 1), true)
            }
            if byte == UInt8(ascii: "\\") { return (start..<index, false) }
            if byte < 0x20 { throw error("unescaped control character in a string") }
            index += 1
        }
        throw error("unterminated string", at: start - 1)
    }

    /// The rest of a string whose `prefix` ended at a backslash (`index`), decoded.
    private mutating func unescaped(after prefix: Range<Int>) throws(JSONParseError) -> String {
        let start = prefix.lowerBound
        var unescaped = Array(bytes[prefix])
        while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "\""):
                index += 1
                return try unescaped.withUnsafeBufferPointer { buffer throws(JSONParseError) in
                    if Self.isASCII(buffer) { return String(decoding: buffer, as: UTF8.self) }
                    guard let string = String(validating: buffer, as: UTF8.self) else {
                        throw error("a string is not valid UTF-8", at: start)
                    }
                    return string
                }
            case UInt8(ascii: "\\"):
                index += 1
                try escape(into: &unescaped)
            case 0..<0x20:
                throw error("unescaped control character in a string")
            default:
                // The run up to the next quote, backslash or control character, in one copy.
                let run = index
                index += 1
                while index < bytes.count, bytes[index] != UInt8(ascii: "\""), bytes[index] != UInt8(ascii: "\\"), bytes[index] >= 0x20 { index += 1 }
                unescaped.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[run..<index]))
            }
        }
        throw error("unterminated string", at: start - 1)
    }

    private func text(_ range: Range<Int>) throws(JSONParseError) -> String {
        let slice = UnsafeBufferPointer(rebasing: bytes[range])
        // ASCII (most keys and values) is valid as it is: `String(validating:)` is generic and
        // not specialised here, several times slower than this check and a plain decode.
        if Self.isASCII(slice) { return String(decoding: slice, as: UTF8.self) }
        guard let string = String(validating: slice, as: UTF8.self) else { throw error("a string is not valid UTF-8", at: range.lowerBound) }
        return string
    }

    private static func isASCII(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var index = 0
        // Eight bytes at a time: any byte with its high bit set fails the whole word.
        if let base = bytes.baseAddress {
            let raw = UnsafeRawPointer(base)
            while index + 8 <= bytes.count {
                if raw.loadUnaligned(fromByteOffset: index, as: UInt64.self) & 0x8080_8080_8080_8080 != 0 { return false }
                index += 8
            }
        }
        while index < bytes.count {
            if bytes[index] >= 0x80 { return false }
            index += 1
        }
        return true
    }

    /// The escape after a backslash (at `index`), appended as UTF-8.
    private mutating func escape(into output: inout [UInt8]) throws(JSONParseError) {
        guard index < bytes.count else { throw error("unterminated string") }
        let byte = bytes[index]
        index += 1
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): output.append(byte)
        case UInt8(ascii: "b"): output.append(0x08)
        case UInt8(ascii: "f"): output.append(0x0C)
        case UInt8(ascii: "n"): output.append(0x0A)
        case UInt8(ascii: "r"): output.append(0x0D)
        case UInt8(ascii: "t"): output.append(0x09)
        case UInt8(ascii: "u"):
            var scalar = UInt32(try hex4())
            if (0xD800..<0xDC00).contains(scalar) {
                guard index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u") else {
                    throw error("a \\u escape is half of a surrogate pair")
                }
                index += 2
                let low = UInt32(try hex4())
                guard (0xDC00..<0xE000).contains(low) else { throw error("a \\u escape is half of a surrogate pair") }
                scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
            } else if (0xDC00..<0xE000).contains(scalar) {
                throw error("a \\u escape is half of a surrogate pair")
            }
            // Surrogates were handled above, so this is a scalar.
            UTF8.encode(Unicode.Scalar(scalar)!) { output.append($0) }
        default:
            throw error("invalid escape '\\\(Self.show(byte))'", at: index - 2)
        }
    }

    private mutating func hex4() throws(JSONParseError) -> UInt16 {
        guard index + 4 <= bytes.count else { throw error("unterminated \\u escape") }
        var value: UInt16 = 0
        for _ in 0..<4 {
            let byte = bytes[index]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw error("expected 4 hex digits after \\u")
            }
            value = value << 4 | UInt16(digit)
            index += 1
        }
        return value
    }
}
