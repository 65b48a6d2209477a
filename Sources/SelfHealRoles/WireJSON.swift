public import Foundation
import SelfHealCore

/// The one JSON form of the service's answers, in responses and in the stored log rows alike:
/// sorted keys (stable bytes for equal answers), unescaped slashes, ISO 8601 dates.
public enum WireJSON {
    public static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }

    /// `value` encoded; `{}` for a value that cannot be (none of the service's types). The
    /// values encoded on every request are written by hand (`JSONWritable`), to the same bytes.
    public static func data(_ value: some Encodable) -> Data {
        if let writable = value as? any JSONWritable { return Data(writable.jsonBytes) }
        return (try? encoder().encode(value)) ?? Data("{}".utf8)
    }

    /// An answer whose evaluation is already encoded (for its log row): those bytes go in as
    /// they are, so the evaluation is encoded once per request.
    static func data(_ answer: ManagerAnswer, evaluationJSON: Data) -> Data {
        var writer = JSONWriter(capacity: evaluationJSON.count + answer.output.utf8.count + answer.code.utf8.count + 512)
        answer.write(to: &writer, evaluationJSON: evaluationJSON)
        return writer.withBytes { Data($0) }
    }
}
