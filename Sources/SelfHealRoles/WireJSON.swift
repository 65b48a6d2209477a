public import Foundation

/// The one JSON form of the service's answers, in responses and in the stored log rows alike:
/// sorted keys (stable bytes for equal answers), unescaped slashes, ISO 8601 dates.
public enum WireJSON {
    public static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }

    /// `value` encoded; `{}` for a value that cannot be (none of the service's types).
    public static func data(_ value: some Encodable) -> Data {
        (try? encoder().encode(value)) ?? Data("{}".utf8)
    }
}
