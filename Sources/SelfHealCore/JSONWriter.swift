/// JSON written straight into bytes, for the few values encoded on every request (an
/// evaluation, an answer, a chat request): Foundation's `JSONEncoder` builds a tree of boxed
/// values and sorts every object's keys, and cost several times the rest of their handling.
///
/// The bytes are what `JSONEncoder` with `.sortedKeys` and `.withoutEscapingSlashes` writes
/// for the same value: the same escapes, numbers as `description` less a trailing `.0`, keys
/// in the order given, which callers give sorted. Tests hold each writer to that encoder. One
/// difference: a non-finite number is written `null`, where the encoder refuses the whole value.
public struct JSONWriter: ~Copyable {
    /// The bytes so far live in memory of the writer's own, not an `Array`: an array's
    /// `append(contentsOf:)` checks uniqueness and capacity and goes through a generic copy,
    /// ~100 instructions for each of the ~300 keys and strings a request writes; here a key
    /// is one capacity check and a `memcpy`. `bytes` copies them out once, at the end.
    private var start: UnsafeMutablePointer<UInt8>
    private var count = 0
    private var capacity: Int
    /// Whether what was written last ends a value (a scalar, `}`, `]`), so that the next
    /// member of its object or array needs a comma first; `{`, `[` and a key's `:` end none.
    /// The last token is all that decides it: no stack of open containers is needed.
    private var afterValue = false
    /// Objects and arrays open: at the top level (0) nothing is separated.
    private var depth = 0

    public init(capacity: Int = 1024) {
        self.capacity = max(capacity, 16)
        start = .allocate(capacity: self.capacity)
    }

    deinit {
        start.deallocate()
    }

    /// What has been written.
    public var bytes: [UInt8] {
        Array(UnsafeBufferPointer(start: start, count: count))
    }

    /// What has been written, for reading in place.
    public func withBytes<Result>(_ body: (UnsafeBufferPointer<UInt8>) throws -> Result) rethrows -> Result {
        try body(UnsafeBufferPointer(start: start, count: count))
    }

    public mutating func beginObject() { separate(); append(UInt8(ascii: "{")); depth += 1; afterValue = false }
    public mutating func endObject() { depth -= 1; append(UInt8(ascii: "}")); afterValue = true }
    public mutating func beginArray() { separate(); append(UInt8(ascii: "[")); depth += 1; afterValue = false }
    public mutating func endArray() { depth -= 1; append(UInt8(ascii: "]")); afterValue = true }

    /// A member's key; its value is whatever is written next.
    public mutating func key(_ name: StaticString) {
        separate()
        let length = name.utf8CodeUnitCount
        reserve(length + 3)
        start[count] = UInt8(ascii: "\"")
        (start + count + 1).initialize(from: name.utf8Start, count: length)
        start[count + 1 + length] = UInt8(ascii: "\"")
        start[count + 2 + length] = UInt8(ascii: ":")
        count += length + 3
        // The value follows the colon, not a comma.
        afterValue = false
    }

    /// A member's key named at run time (a log line's metadata), escaped as a string is.
    /// Named apart from `key(_:)`: with one name, literals picked this slower overload.
    public mutating func key(named name: String) {
        separate()
        appendEscaped(name)
        append(UInt8(ascii: ":"))
        afterValue = false
    }

    public mutating func string(_ text: String) {
        separate()
        appendEscaped(text)
    }

    public mutating func number(_ value: Double) {
        separate()
        guard value.isFinite else {
            // JSON has no NaN or infinity (JSONEncoder refuses them); no score is either.
            append("null")
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
            append(whole ? UnsafeBufferPointer(rebasing: text.dropLast(2)) : text)
        }
    }

    public mutating func number(_ value: Int) {
        separate()
        appendDecimal(value)
    }

    private mutating func appendDecimal(_ value: Int) {
        // 20 digits hold UInt64.max, and a sign: written from the end of the room for them.
        reserve(21)
        if value < 0 {
            start[count] = UInt8(ascii: "-")
            count += 1
        }
        var magnitude = value.magnitude
        var digits = 0
        var rest = magnitude
        repeat { digits += 1; rest /= 10 } while rest > 0
        var at = count + digits
        repeat {
            at -= 1
            start[at] = UInt8(ascii: "0") + UInt8(magnitude % 10)
            magnitude /= 10
        } while magnitude > 0
        count += digits
    }

    public mutating func bool(_ value: Bool) {
        separate()
        append(value ? "true" : "false")
    }

    public mutating func null() {
        separate()
        append("null")
    }

    /// Bytes that already are one JSON value (an evaluation encoded before).
    public mutating func raw(_ json: some Sequence<UInt8>) {
        separate()
        // One copy of contiguous bytes (`Data`, arrays): the generic walk goes byte by byte.
        if json.withContiguousStorageIfAvailable({ append($0) }) == nil {
            for byte in json { append(byte) }
        }
    }

    /// A newline after the top-level value, for one value per line (a log line).
    public mutating func endLine() {
        append(0x0A)
    }

    /// Before a value or a key: the comma if one is due; what follows ends a value (or, for a
    /// key or an opening bracket, says otherwise once written).
    @inline(__always)
    private mutating func separate() {
        if afterValue, depth > 0 { append(UInt8(ascii: ",")) }
        afterValue = true
    }

    /// Room for `more` bytes after those written.
    @inline(__always)
    private mutating func reserve(_ more: Int) {
        if capacity - count < more { grow(toHold: count + more) }
    }

    private mutating func grow(toHold needed: Int) {
        capacity = max(needed, 2 * capacity)
        let larger = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity)
        larger.initialize(from: start, count: count)
        start.deallocate()
        start = larger
    }

    @inline(__always)
    private mutating func append(_ byte: UInt8) {
        reserve(1)
        start[count] = byte
        count += 1
    }

    private mutating func append(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard let base = bytes.baseAddress else { return }
        reserve(bytes.count)
        (start + count).initialize(from: base, count: bytes.count)
        count += bytes.count
    }

    private mutating func append(_ literal: StaticString) {
        append(UnsafeBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount))
    }

    /// `text` as a JSON string: `"` and `\` escaped, control characters as `\n`, `\t`, `\r`,
    /// `\b`, `\f` or `\u00XX`; everything else as its UTF-8 bytes.
    private mutating func appendEscaped(_ text: String) {
        var text = text
        text.withUTF8 { utf8 in
            // Room for the text as it is; each escape makes room for the rest of the text and
            // itself, so no plain byte checks for room and nothing is reserved that may not be used.
            reserve(utf8.count + 2)
            start[count] = UInt8(ascii: "\"")
            count += 1
            guard let base = utf8.baseAddress else {
                start[count] = UInt8(ascii: "\"")
                count += 1
                return
            }
            let length = utf8.count
            var plainStart = 0
            var index = 0
            while index < length {
                // Eight bytes at a time past the plain runs, most of every text.
                if index + 8 <= length, !Self.mayNeedEscape(UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self)) {
                    index += 8
                    continue
                }
                let byte = base[index]
                index += 1
                guard Self.isEscaped(byte) else { continue }
                reserve(length - plainStart + 6)
                (start + count).initialize(from: base + plainStart, count: index - 1 - plainStart)
                count += index - 1 - plainStart
                plainStart = index
                start[count] = UInt8(ascii: "\\")
                switch byte {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"): start[count + 1] = byte; count += 2
                case 0x0A: start[count + 1] = UInt8(ascii: "n"); count += 2
                case 0x09: start[count + 1] = UInt8(ascii: "t"); count += 2
                case 0x0D: start[count + 1] = UInt8(ascii: "r"); count += 2
                case 0x08: start[count + 1] = UInt8(ascii: "b"); count += 2
                case 0x0C: start[count + 1] = UInt8(ascii: "f"); count += 2
                default:
                    start[count + 1] = UInt8(ascii: "u")
                    start[count + 2] = UInt8(ascii: "0")
                    start[count + 3] = UInt8(ascii: "0")
                    start[count + 4] = Hex.digits[Int(byte >> 4)]
                    start[count + 5] = Hex.digits[Int(byte & 0xF)]
                    count += 6
                }
            }
            (start + count).initialize(from: base + plainStart, count: length - plainStart)
            count += length - plainStart
            start[count] = UInt8(ascii: "\"")
            count += 1
        }
    }

    /// `text` as a JSON string (as `string(_:)` writes it) after `buffer`'s bytes.
    public static func appendString(_ text: String, to buffer: inout [UInt8]) {
        var text = text
        let plain = text.withUTF8 { utf8 in
            // Most texts given here need no escape (names, commands): three appends.
            guard !needsEscape(utf8) else { return false }
            buffer.append(UInt8(ascii: "\""))
            buffer.append(contentsOf: utf8)
            buffer.append(UInt8(ascii: "\""))
            return true
        }
        guard !plain else { return }
        var writer = JSONWriter(capacity: text.utf8.count + 16)
        writer.appendEscaped(text)
        writer.withBytes { buffer.append(contentsOf: $0) }
    }

    /// Whether any byte of `utf8` is escaped in a JSON string.
    static func needsEscape(_ utf8: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = utf8.baseAddress else { return false }
        var index = 0
        while index + 8 <= utf8.count {
            if mayNeedEscape(UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self)) { return true }
            index += 8
        }
        while index < utf8.count {
            if isEscaped(base[index]) { return true }
            index += 1
        }
        return false
    }

    /// Whether a JSON string writes `byte` escaped: a control character, `"` or `\`.
    @inline(__always)
    static func isEscaped(_ byte: UInt8) -> Bool {
        byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\")
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
