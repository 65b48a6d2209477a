import Foundation
public import Hummingbird
import NIOCore
public import SelfHealRoles

/// An error a client sees: `{"error":{"code":"...","message":"..."}}` with a fitting status.
/// The message names the problem (the field, the role, the provider) and never leaks internals.
public struct APIError: HTTPResponseError, CustomStringConvertible {
    public var status: HTTPResponse.Status
    public var code: String
    public var message: String
    public var headers: HTTPFields

    public init(_ status: HTTPResponse.Status, code: String, message: String, headers: HTTPFields = [:]) {
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers
    }

    public var description: String { "\(status.code) \(code): \(message)" }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        let body = ErrorBody(error: .init(code: code, message: message))
        var response = JSONResponse.make(body, status: status)
        response.headers.append(contentsOf: headers)
        return response
    }

    struct ErrorBody: Codable {
        struct Detail: Codable {
            var code: String
            var message: String
        }
        var error: Detail
    }

    // MARK: common errors

    static func badRequest(_ message: String) -> APIError {
        APIError(.badRequest, code: "bad_request", message: message)
    }

    static func invalidField(_ field: String, _ message: String) -> APIError {
        APIError(.unprocessableContent, code: "invalid_field", message: "\(field): \(message)")
    }

    static func notFound(_ message: String) -> APIError {
        APIError(.notFound, code: "not_found", message: message)
    }

    static func tooLarge(_ message: String) -> APIError {
        APIError(.contentTooLarge, code: "too_large", message: message)
    }

    /// The database could not be used. Which file or server, and why, is for the log only.
    static let storeUnavailable = APIError(
        .serviceUnavailable, code: "store_unavailable", message: "the database is unavailable; retry shortly"
    )
}

/// A domain error thrown straight out of a route answers as the edge maps it
/// (`RoleErrors`): the roles never name a status themselves.
extension RoleError: HTTPResponseError {
    /// The error as a client receives it: status, code, message and headers.
    public var httpError: APIError { RoleErrors.apiError(for: self) }

    public var status: HTTPResponse.Status { httpError.status }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        try httpError.response(from: request, context: context)
    }
}

extension RoleFailureError: HTTPResponseError {
    public var httpError: APIError { RoleErrors.apiError(for: failure) }

    public var status: HTTPResponse.Status { httpError.status }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        try httpError.response(from: request, context: context)
    }
}
