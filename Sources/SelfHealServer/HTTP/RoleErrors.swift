import HTTPTypes
import Logging
import SelfHealRoles

/// The edge's one mapping from what went wrong inside a role to the HTTP error a client sees.
/// The words come from the roles (`RoleFailure.describe`); only the status, and a Retry-After
/// where a retry is sure to help, are decided here. Where it happened (file paths, hosts,
/// users, internal URLs) goes to the log only, through `logger`.
enum RoleErrors {
    static let logger = Logger(label: "selfheal.errors")

    static func clientError(for error: any Error, role: String) -> APIError {
        let clientError = translate(error, role: role)
        if !(error is APIError || error is RoleError || error is RoleFailureError) {
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
        case let error as APIError: return error
        case let error as RoleFailureError: return apiError(for: error.failure)
        default: return apiError(for: RoleFailure.describe(error, role: role))
        }
    }

    static func apiError(for error: RoleError) -> APIError {
        apiError(for: RoleFailure.describe(error))
    }

    static func apiError(for failure: RoleFailure) -> APIError {
        switch failure.failureClass {
        case .invalidRequest:
            APIError(.unprocessableContent, code: failure.code, message: failure.message)
        case .unavailable(let retryAfter):
            APIError(.serviceUnavailable, code: failure.code, message: failure.message, headers: retryAfter.map { [.retryAfter: "\($0)"] } ?? [:])
        case .timeout:
            APIError(.gatewayTimeout, code: failure.code, message: failure.message)
        case .badGateway:
            APIError(.badGateway, code: failure.code, message: failure.message)
        case .internalError:
            APIError(.internalServerError, code: failure.code, message: failure.message)
        }
    }
}
