import SelfHealCore

/// A call to another role that failed: it could not be reached, timed out, or answered with an
/// error of its own (whose message is kept). Thrown by the clients that call a role over the
/// network; the manager describes it like any other failure.
public struct RoleCallError: Error, Sendable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        case unreachable
        case timeout
        /// The role answered with an error: its status and its stable code.
        case failed(status: Int, code: String)
        case malformed
    }

    public var role: String
    public var url: String
    public var kind: Kind
    public var message: String

    public init(role: String, url: String, kind: Kind, message: String) {
        self.role = role
        self.url = url
        self.kind = kind
        self.message = message
    }

    public var description: String { "\(role) at \(url): \(message)" }
}

/// Whatever went wrong inside a role, described for the client: a class of failure, a stable
/// code and a message in the client's terms ("the worker did not answer in time", "the
/// database is unavailable"). Where it happened (paths, hosts, internal URLs) is left out; the
/// caller logs that. The HTTP edge turns the class into a status, once.
public struct RoleFailure: Sendable, Equatable {
    public enum Class: Sendable, Equatable {
        /// The request is wrong (a field, a reused key).
        case invalidRequest
        /// Something needed is unavailable right now; `retryAfterSeconds` when a retry soon is sure to help.
        case unavailable(retryAfterSeconds: Int?)
        /// Something did not answer in time.
        case timeout
        /// Another service answered wrongly or refused.
        case badGateway
        /// Nothing the client can do: the log has the details.
        case internalError
    }

    public var failureClass: Class
    public var code: String
    public var message: String

    public init(_ failureClass: Class, code: String, message: String) {
        self.failureClass = failureClass
        self.code = code
        self.message = message
    }

    /// `role`: the role the error came from, for the words of the message.
    public static func describe(_ error: any Error, role: String) -> RoleFailure {
        switch error {
        case let error as RoleError:
            return describe(error)
        case let error as RoleCallError:
            switch error.kind {
            case .unreachable:
                return RoleFailure(.unavailable(retryAfterSeconds: nil), code: "\(role)_unavailable", message: "the \(role) cannot be reached; retry shortly")
            case .timeout:
                return RoleFailure(.timeout, code: "\(role)_timeout", message: "the \(role) did not answer in time")
            case .failed(let status, let code):
                // Keep the upstream class when it is already a gateway-class error (an LLM
                // timeout in the worker stays a timeout); anything else is a bad gateway. The
                // upstream message is that role's own client message, already free of internals.
                let failureClass: Class = switch status {
                case 503: .unavailable(retryAfterSeconds: nil)
                case 504: .timeout
                default: .badGateway
                }
                return RoleFailure(failureClass, code: code, message: "\(role) failed: \(error.message)")
            case .malformed:
                return RoleFailure(.badGateway, code: "\(role)_bad_response", message: "the \(role) answered something that is not its API")
            }
        case let error as LLMError:
            let failureClass: Class = switch error.kind {
            case .timeout: .timeout
            case .unavailable, .rateLimited: .unavailable(retryAfterSeconds: nil)
            case .rejected, .malformed: .badGateway
            }
            let code = switch error.kind {
            case .timeout: "llm_timeout"
            case .unavailable: "llm_unavailable"
            case .rateLimited: "llm_rate_limited"
            case .rejected: "llm_rejected"
            case .malformed: "llm_malformed"
            }
            return RoleFailure(failureClass, code: code, message: "LLM provider '\(error.provider)': \(error.message)")
        case let error as StoreError where error.kind == .unavailable:
            return RoleFailure(.unavailable(retryAfterSeconds: nil), code: "store_unavailable", message: "the database is unavailable; retry shortly")
        case is StoreError:
            return RoleFailure(.internalError, code: "store_error", message: "the database could not complete the \(role)'s request")
        default:
            return RoleFailure(.internalError, code: "\(role)_error", message: "the \(role) failed unexpectedly; the server log has the details")
        }
    }

    public static func describe(_ error: RoleError) -> RoleFailure {
        let failureClass: Class = switch error {
        case .invalidField, .idempotencyKeyReused: .invalidRequest
        case .sandboxBusy: .unavailable(retryAfterSeconds: 1)
        case .noActivePrompt, .sandboxUnavailable, .notRecorded: .unavailable(retryAfterSeconds: nil)
        }
        return RoleFailure(failureClass, code: error.code, message: error.message)
    }
}

/// A failure a role has already described (and logged): thrown on as it is, so the edge
/// answers with exactly the words the execution log recorded.
public struct RoleFailureError: Error, Sendable, CustomStringConvertible {
    public var failure: RoleFailure
    public var underlying: any Error

    public init(failure: RoleFailure, underlying: any Error) {
        self.failure = failure
        self.underlying = underlying
    }

    public var description: String { "\(failure.code): \(failure.message) (\(underlying))" }
}
