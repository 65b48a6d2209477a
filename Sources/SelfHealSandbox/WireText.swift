import SelfHealCore

/// The warm host's wire, by hand: JSONSerialization (through NSDictionary and NSNumber) cost
/// more than the rest of the Swift side of a job. JSON strings are written straight into a
/// byte buffer (the request header); the host's answers, flat objects, are read back.
enum WireText {
    static func appendArray(_ texts: [String], to buffer: inout [UInt8]) {
        buffer.append(UInt8(ascii: "["))
        for (index, text) in texts.enumerated() {
            if index > 0 { buffer.append(UInt8(ascii: ",")) }
            JSONWriter.appendString(text, to: &buffer)
        }
        buffer.append(UInt8(ascii: "]"))
    }

    /// A flat JSON object as the host's `json.dumps` writes it: ASCII only, string keys; values
    /// `true`, `false`, integers or strings without escapes. Anything else (a nested value,
    /// `null`, a fraction, an escape, a leading zero, a byte past ASCII) gives nil, and the
    /// caller reads it with a full JSON reader, which refuses what is not JSON.
    static func flatObject(_ bytes: ArraySlice<UInt8>) -> HostHeader? {
        var index = bytes.startIndex
        func skipSpaces() {
            while index < bytes.endIndex, bytes[index] == UInt8(ascii: " ") { index += 1 }
        }
        func expect(_ byte: UInt8) -> Bool {
            skipSpaces()
            guard index < bytes.endIndex, bytes[index] == byte else { return false }
            index += 1
            return true
        }
        func plainString() -> String? {
            guard expect(UInt8(ascii: "\"")) else { return nil }
            let start = index
            while index < bytes.endIndex, bytes[index] != UInt8(ascii: "\"") {
                if bytes[index] == UInt8(ascii: "\\") || bytes[index] < 0x20 || bytes[index] >= 0x80 { return nil }
                index += 1
            }
            guard index < bytes.endIndex else { return nil }
            defer { index += 1 }
            return String(decoding: bytes[start..<index], as: UTF8.self)
        }
        func word(_ text: StaticString) -> Bool {
            let count = text.utf8CodeUnitCount
            guard bytes.endIndex - index >= count,
                  zip(bytes[index..<(index + count)], UnsafeBufferPointer(start: text.utf8Start, count: count)).allSatisfy({ $0 == $1 })
            else { return false }
            index += count
            return true
        }
        func value() -> HostHeader.Value? {
            skipSpaces()
            guard index < bytes.endIndex else { return nil }
            switch bytes[index] {
            case UInt8(ascii: "\""): return plainString().map { .string($0) }
            case UInt8(ascii: "t"): return word("true") ? .bool(true) : nil
            case UInt8(ascii: "f"): return word("false") ? .bool(false) : nil
            default:
                let negative = bytes[index] == UInt8(ascii: "-")
                if negative { index += 1 }
                let digits = index
                var magnitude = 0
                while index < bytes.endIndex, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) {
                    // At most 18 digits (checked below): no overflow.
                    if index - digits < 18 { magnitude = magnitude * 10 + Int(bytes[index] - UInt8(ascii: "0")) }
                    index += 1
                }
                guard index > digits, index - digits <= 18 else { return nil }
                // JSON has no leading zeros (`01`); `0` alone is fine.
                if bytes[digits] == UInt8(ascii: "0") && index - digits > 1 { return nil }
                return .int(negative ? -magnitude : magnitude)
            }
        }
        guard expect(UInt8(ascii: "{")) else { return nil }
        var members: [(name: String, value: HostHeader.Value)] = []
        members.reserveCapacity(8)
        if expect(UInt8(ascii: "}")) { return index == bytes.endIndex ? HostHeader(members: members) : nil }
        repeat {
            guard let key = plainString(), expect(UInt8(ascii: ":")), let value = value() else { return nil }
            members.append((key, value))
        } while expect(UInt8(ascii: ","))
        guard expect(UInt8(ascii: "}")) else { return nil }
        skipSpaces()
        return index == bytes.endIndex ? HostHeader(members: members) : nil
    }
}
