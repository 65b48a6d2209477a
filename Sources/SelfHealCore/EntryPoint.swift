/// The `entry_point` of a request: the name of the answer's function that the tests' `check`
/// is called with. It reaches the program that runs the tests, so every route and every
/// internal caller accepts only a plain identifier of bounded length.
public enum EntryPoint {
    public static let maxBytes = 128

    /// An ASCII identifier: a letter or `_`, then letters, digits and `_`.
    public static func isValid(_ name: String) -> Bool {
        guard !name.isEmpty, name.utf8.count <= maxBytes else { return false }
        guard let first = name.utf8.first, first == UInt8(ascii: "_") || isLetter(first) else { return false }
        return name.utf8.allSatisfy { $0 == UInt8(ascii: "_") || isLetter($0) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }
    }

    public static let requirement = "must be an identifier such as 'is_prime'"

    private static func isLetter(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
    }
}
