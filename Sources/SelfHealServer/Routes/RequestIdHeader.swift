import HTTPTypes
import Hummingbird

/// `X-Request-Id`: the manager's request id, carried to the worker and the evaluator so every
/// log line of one request, in every role, names it. Only a short id of plain characters is
/// taken; anything else is ignored (the request still runs, its lines just lack the id).
enum RequestIdHeader {
    static let name = "X-Request-Id"
    static let field = HTTPField.Name(name)!

    static func value(of request: Request) -> String? {
        guard let value = request.headers[field], (1...64).contains(value.utf8.count),
              value.utf8.allSatisfy({ byte in
                  (48...57).contains(byte) || (65...90).contains(byte) || (97...122).contains(byte) || byte == 45 || byte == 95 || byte == 46
              })
        else { return nil }
        return value
    }
}
