import HTTPTypes
import Hummingbird
import SelfHealRoles

/// The `Idempotency-Key` request header and the `Idempotent-Replayed` answer header, read
/// and written the same way by every route that generates.
enum IdempotencyHeader {
    static let key = HTTPField.Name("Idempotency-Key")!
    static let replayed = HTTPField.Name("Idempotent-Replayed")!

    /// The request's key, scoped to the credential the access check accepted: a client key
    /// when the server has credentials, the one anonymous client when it runs without (a bearer
    /// token sent to an open server identifies no one). Nil when the request sent no key.
    static func scope(of request: Request, for clientRequest: ClientRequest, security: SecuritySettings) throws -> IdempotencyScope? {
        guard let key = request.headers[Self.key] else { return nil }
        guard !key.isEmpty, key.utf8.count <= 200 else {
            throw APIError.invalidField("Idempotency-Key", "must be 1 to 200 bytes")
        }
        let credential = security.isSecured ? AccessMiddleware<BasicRequestContext>.bearer(request) : nil
        return IdempotencyScope(key: key, credential: credential, request: clientRequest)
    }
}
