/// What a script (a rule, a plugin) sees of a very long text: its head and its tail, joined by a
/// line that says how much was left out. No script can then be made slow by a long answer,
/// whatever its patterns: the text it reads is at most `limit` bytes plus the marker line. The
/// full text is still what the sandbox runs and what the log stores; only the scripts' view is
/// bounded.
public enum BoundedText {
    /// 64 KiB: far above any real answer (the shipped rules read 60-line answers in microseconds),
    /// far below what a quadratic pattern needs to cost seconds.
    public static let limit = 64 * 1024

    /// `text` itself when it fits in `limit` bytes; otherwise its first and last `limit / 2`
    /// bytes (cut on character boundaries) with a marker line between them. The marker is a
    /// comment in the languages selfheal runs and holds none of the words the shipped rules look
    /// for, so it reads as nothing to them.
    public static func view(_ text: String, limit: Int = limit) -> (text: String, truncated: Bool) {
        let bytes = text.utf8
        guard bytes.count > limit else { return (text, false) }
        let half = limit / 2
        var headEnd = bytes.index(bytes.startIndex, offsetBy: half)
        while headEnd > bytes.startIndex, isContinuation(bytes[headEnd]) { bytes.formIndex(before: &headEnd) }
        var tailStart = bytes.index(bytes.endIndex, offsetBy: -half)
        while tailStart < bytes.endIndex, isContinuation(bytes[tailStart]) { bytes.formIndex(after: &tailStart) }
        let omitted = bytes.distance(from: headEnd, to: tailStart)
        let head = String(decoding: bytes[bytes.startIndex..<headEnd], as: UTF8.self)
        let tail = String(decoding: bytes[tailStart...], as: UTF8.self)
        return (head + "\n# [selfheal: \(omitted) bytes left out of the scripts' view]\n" + tail, true)
    }

    private static func isContinuation(_ byte: UInt8) -> Bool { byte & 0b1100_0000 == 0b1000_0000 }
}
