/// Bytes as lowercase hexadecimal, two digits a byte: request ids, nonces, digests, JSON's
/// `\u00XX`. Written into the string's own storage: request ids and nonces are made per request.
public enum Hex {
    public static let digits: [UInt8] = Array("0123456789abcdef".utf8)

    /// `dashesBefore`: the byte offsets a `-` goes in front of (a UUID's 4, 6, 8 and 10).
    public static func lowercase(_ bytes: UnsafeRawBufferPointer, dashesBefore dashes: [Int] = []) -> String {
        String(unsafeUninitializedCapacity: 2 * bytes.count + dashes.count) { text in
            var at = 0
            for (index, byte) in bytes.enumerated() {
                if dashes.contains(index) {
                    text[at] = UInt8(ascii: "-")
                    at += 1
                }
                text[at] = digits[Int(byte >> 4)]
                text[at + 1] = digits[Int(byte & 0x0F)]
                at += 2
            }
            return at
        }
    }

    public static func lowercase(_ bytes: some Sequence<UInt8>) -> String {
        Array(bytes).withUnsafeBytes { lowercase($0) }
    }
}
