import Logging
import SelfHealCore

/// A call to another role over HTTP that failed: it could not be reached, timed out, or
/// answered with an error of its own (whose message is kept).
public struct RoleCallError: Error, Sendable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        case unreachable
        case timeout
        case failed(status: Int, code: String)
        case malformed
    }

    public var role: String
    public var url: String
    public var kind: Kind
    public var message: String

    public var description: String { "\(role) at \(url): \(message)" }
}

/// Turns whatever went wrong inside a role into the error a client should see. The client's
/// message names the problem in its own terms ("the worker did not answer in time", "the
/// database is unavailable"); where it happened (file paths, hosts, users, internal URLs)
/// goes to the log only, through `logger`.
enum RoleErrors {
    static let logger = Logger(label: "selfheal.errors")

    static func clientError(for error: any Error, role: String) -> APIError {
        let clientError = translate(error, role: role)
        if !(error is APIError || error is RoleError) {
            logger.error(
                "Request failed inside the \(role)",
                metadata: ["error.code": "\(clientError.code)", "error.detail": "\(String(describing: error))"]
            )
        }
        return clientError
    }

    /// The client's error without logging: for callers that log the failure themselves,
    /// with `String(describing: error)` as its detail.
    static func translate(_ error: any Error, role: String) -> APIError {
        switch error {
        case let error as APIError:
            return error
        case let error as RoleError:
            return apiError(for: error)
        case let error as RoleCallError:
            switch error.kind {
            case .unreachable:
                return APIError(.serviceUnavailable, code: "\(role)_unavailable", message: "the \(role) cannot be reached; retry shortly")
            case .timeout:
                return APIError(.gatewayTimeout, code: "\(role)_timeout", message: "the \(role) did not answer in time")
            case .failed(let status, let code):
                // Keep the upstream status when it is already a gateway-class error (e.g. an
                // LLM timeout in the worker stays a 504); anything else is a bad gateway. The
                // upstream message is that role's own client message, already free of internals.
                let passThrough: Set<Int> = [502, 503, 504]
                let mapped = passThrough.contains(status) ? HTTPStatusCode(status).status : .badGateway
                return APIError(mapped, code: code, message: "\(role) failed: \(error.message)")
            case .malformed:
                return APIError(.badGateway, code: "\(role)_bad_response", message: "the \(role) answered something that is not its API")
            }
        case let error as LLMError:
            let status: HTTPStatusCode = switch error.kind {
            case .timeout: .init(504)
            case .unavailable, .rateLimited: .init(503)
            case .rejected, .malformed: .init(502)
            }
            let code = switch error.kind {
            case .timeout: "llm_timeout"
            case .unavailable: "llm_unavailable"
            case .rateLimited: "llm_rate_limited"
            case .rejected: "llm_rejected"
            case .malformed: "llm_malformed"
            }
            return APIError(status.status, code: code, message: "LLM provider '\(error.provider)': \(error.message)")
        case let error as StoreError where error.kind == .unavailable:
            return APIError.storeUnavailable
        case is StoreError:
            return APIError(.internalServerError, code: "store_error", message: "the database could not complete the \(role)'s request")
        default:
            return APIError(.internalServerError, code: "\(role)_error", message: "the \(role) failed unexpectedly; the server log has the details")
        }
    }
}

import HTTPTypes

extension RoleErrors {
    /// The one place a domain error gets its HTTP status.
    static func apiError(for error: RoleError) -> APIError {
        switch error {
        case .invalidField, .idempotencyKeyReused:
            APIError(.unprocessableContent, code: error.code, message: error.message)
        case .sandboxBusy:
            APIError(.serviceUnavailable, code: error.code, message: error.message, headers: [.retryAfter: "1"])
        case .noActivePrompt, .sandboxUnavailable, .notRecorded:
            APIError(.serviceUnavailable, code: error.code, message: error.message)
        }
    }
}

/// A small bridge so status codes from other roles map back onto HTTPTypes statuses.
struct HTTPStatusCode {
    let code: Int
    init(_ code: Int) { self.code = code }
    var status: HTTPResponse.Status { HTTPResponse.Status(code: code) }
}
