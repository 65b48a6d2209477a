public import Foundation

/// The one JSON form of the service's answers, in responses and in the stored log rows alike:
/// sorted keys (stable bytes for equal answers; a request's answer leads with its evaluation,
/// encoded once for the answer and its log row), unescaped slashes, ISO 8601 dates.
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

    /// Set in an encoder's `userInfo`: `ManagerAnswer` leaves its evaluation out.
    static let evaluationEncodedApart = CodingUserInfoKey(rawValue: "selfheal.evaluationEncodedApart")!

    /// An answer whose evaluation is already encoded (for its log row): the evaluation's bytes
    /// go in as they are, first, then the answer's other fields, sorted. The evaluation is the
    /// bulk of an answer; encoding it once per request instead of twice saves ~0.1 ms of CPU.
    static func data(_ answer: ManagerAnswer, evaluationJSON: Data) -> Data {
        let encoder = encoder()
        encoder.userInfo[evaluationEncodedApart] = true
        guard let rest = try? encoder.encode(answer), rest.first == UInt8(ascii: "{"), rest.count > 2 else {
            return data(answer)
        }
        var json = Data(#"{"evaluation":"#.utf8)
        json.reserveCapacity(json.count + evaluationJSON.count + rest.count)
        json.append(evaluationJSON)
        json.append(UInt8(ascii: ","))
        json.append(rest.dropFirst())
        return json
    }
}
