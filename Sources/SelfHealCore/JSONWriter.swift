/// JSON written straight into bytes, for the few values encoded on every request (an
/// evaluation, an answer, a chat request): Foundation's `JSONEncoder` builds a tree of boxed
/// values and sorts every object's keys, and cost several times the rest of their handling.
///
/// The bytes are what `JSONEncoder` with `.sortedKeys` and `.withoutEscapingSlashes` writes
/// for the same value: the same escapes, numbers as `description` less a trailing `.0`, keys
/// in the order given, which callers give sorted. Tests hold each writer to that encoder. One
/// difference: a non-finite number is written `null`, where the encoder refuses the whole value.
public struct JSONWriter: Sendable {
    public private(set) var bytes: [UInt8] = []
    /// Whether what was written last ends a value (a scalar, `}`, `]`), so that the next
    /// member of its object or array needs a comma first; `{`, `[` and a key's `:` end none.
    /// The last token is all that decides it: no stack of open containers is needed.
    private var afterValue = false
    /// Objects and arrays open: at the top level (0) nothing is separated.
    private var depth = 0

    public init(capacity: Int = 1024) {
        bytes.reserveCapacity(capacity)
    }

    public mutating func beginObject() { separate(); bytes.append(UInt8(ascii: "{")); depth += 1; afterValue = false }
    public mutating func endObject() { depth -= 1; bytes.append(UInt8(ascii: "}")); afterValue = true }
    public mutating func beginArray() { separate(); bytes.append(UInt8(ascii: "[")); depth += 1; afterValue = false }
    public mutating func endArray() { depth -= 1; bytes.append(UInt8(ascii: "]")); afterValue = true }

    /// A member's key; its value is whatever is written next.
    public mutating func key(_ name: StaticString) {
        separate()
        bytes.append(UInt8(ascii: "\""))
        name.withUTF8Buffer { bytes.append(contentsOf: $0) }
        bytes.append(UInt8(ascii: "\""))
        bytes.append(UInt8(ascii: ":"))
        // The value follows the colon, not a comma.
        afterValue = false
    }

    /// A member's key named at run time (a log line's metadata), escaped as a string is.
    /// Named apart from `key(_:)`: with one name, literals picked this slower overload.
    public mutating func key(named name: String) {
        separate()
        Self.appendString(name, to: &bytes)
        bytes.append(UInt8(ascii: ":"))
        afterValue = false
    }

    public mutating func string(_ text: String) {
        separate()
        Self.appendString(text, to: &bytes)
    }

    public mutating func number(_ value: Double) {
        separate()
        guard value.isFinite else {
            // JSON has no NaN or infinity (JSONEncoder refuses them); no score is either.
            bytes.append(contentsOf: "null".utf8)
            return
        }
        // Most numbers written are whole (scores of 0 or 1, weights): digits straight from the
        // integer. `description` would write "1.0" (then cut) at ~2,000 instructions a number.
        // Below 1e15 its whole numbers have no exponent; -0 keeps its sign there, so not here.
        if value.magnitude < 1e15, value == value.rounded(.towardZero), !(value == 0 && value.sign == .minus) {
            appendDecimal(Int(value))
            return
        }
        var text = value.description
        text.withUTF8 { text in
            // Only a whole number can end in ".0"; the rest go in as they are.
            let whole = text.count >= 2 && text[text.count - 2] == UInt8(ascii: ".") && text[text.count - 1] == UInt8(ascii: "0")
            bytes.append(contentsOf: whole ? UnsafeBufferPointer(rebasing: text.dropLast(2)) : text)
        }
    }

    public mutating func number(_ value: Int) {
        separate()
        appendDecimal(value)
    }

    private mutating func appendDecimal(_ value: Int) {
        if value < 0 { bytes.append(UInt8(ascii: "-")) }
        var magnitude = value.magnitude
        // 20 digits hold UInt64.max; written from the end of the buffer.
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { digits in
            var start = 20
            repeat {
                start -= 1
                digits[start] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                magnitude /= 10
            } while magnitude > 0
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: digits[start...]))
        }
    }

    public mutating func bool(_ value: Bool) {
        separate()
        bytes.append(contentsOf: (value ? "true" : "false").utf8)
    }

    public mutating func null() {
        separate()
        bytes.append(contentsOf: "null".utf8)
    }

    /// Bytes that already are one JSON value (an evaluation encoded before).
    public mutating func raw(_ json: some Sequence<UInt8>) {
        separate()
        // One copy of contiguous bytes (`Data`, arrays): the generic append goes byte by byte.
        if json.withContiguousStorageIfAvailable({ bytes.append(contentsOf: $0) }) == nil {
            bytes.append(contentsOf: json)
        }
    }

    /// A newline after the top-level value, for one value per line (a log line).
    public mutating func endLine() {
        bytes.append(0x0A)
    }

    /// Before a value or a key: the comma if one is due; what follows ends a value (or, for a
    /// key or an opening bracket, says otherwise once written).
    private mutating func separate() {
        if afterValue, depth > 0 { bytes.append(UInt8(ascii: ",")) }
        afterValue = true
    }


    /// `text` as a JSON string: `"` and `\` escaped, control characters as `\n`, `\t`, `\r`,
    /// `\b`, `\f` or `\u00XX`; everything else as its UTF-8 bytes.
    public static func appendString(_ text: String, to buffer: inout [UInt8]) {
        buffer.append(UInt8(ascii: "\""))
        var text = text
        text.withUTF8 { utf8 in
            guard let base = utf8.baseAddress else { return }
            let count = utf8.count
            var plainStart = 0
            var index = 0
            while index < count {
                // Eight bytes at a time past the plain runs, most of every text.
                if index + 8 <= count, !mayNeedEscape(UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self)) {
                    index += 8
                    continue
                }
                let byte = base[index]
                index += 1
                guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
                buffer.append(contentsOf: UnsafeBufferPointer(start: base + plainStart, count: index - 1 - plainStart))
                plainStart = index
                buffer.append(UInt8(ascii: "\\"))
                switch byte {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"): buffer.append(byte)
                case 0x0A: buffer.append(UInt8(ascii: "n"))
                case 0x09: buffer.append(UInt8(ascii: "t"))
                case 0x0D: buffer.append(UInt8(ascii: "r"))
                case 0x08: buffer.append(UInt8(ascii: "b"))
                case 0x0C: buffer.append(UInt8(ascii: "f"))
                default:
                    buffer.append(contentsOf: [UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"), Hex.digits[Int(byte >> 4)], Hex.digits[Int(byte & 0xF)]])
                }
            }
            buffer.append(contentsOf: UnsafeBufferPointer(start: base + plainStart, count: count - plainStart))
        }
        buffer.append(UInt8(ascii: "\""))
    }

    /// Whether any of the eight bytes of `word` is below 0x20, `"` or `\` (exact: the
    /// "has a zero byte" test, `(v - 0x01…) & ~v & 0x80…`, on `word` less 0x20 in each byte
    /// and on `word` with each byte xor-ed with the character).
    static func mayNeedEscape(_ word: UInt64) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        let control = (word &- ones &* 0x20) & ~word & highs
        let quote = word ^ (ones &* 0x22)
        let backslash = word ^ (ones &* 0x5C)
        return control | ((quote &- ones) & ~quote & highs) | ((backslash &- ones) & ~backslash & highs) != 0
    }
}

/// A value the service encodes on every request, written by hand (`JSONWriter`).
public protocol JSONWritable {
    func write(to writer: inout JSONWriter)
}

extension JSONWritable {
    /// The value's JSON bytes. Room for 4 KiB at once: an evaluation or a chat request is
    /// 1–4 KiB, and growing from 1 KiB copied it twice.
    public var jsonBytes: [UInt8] {
        var writer = JSONWriter(capacity: 4096)
        write(to: &writer)
        return writer.bytes
    }
}
