/// What a role refuses or cannot do, in the domain's terms. The roles throw these and never an
/// HTTP status: the edge (`RoleErrors.translate`) maps each to its status, once.
public enum RoleError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A field of the request is wrong; the message says how.
    case invalidField(field: String, message: String)
    /// The task type has no active prompt version to generate with.
    case noActivePrompt(taskType: String)
    /// Every sandbox slot is taken: the same request can succeed a moment later.
    case sandboxBusy(String)
    /// The sandbox could not run the request's tests.
    case sandboxUnavailable
    /// The `Idempotency-Key` was used before with a different request.
    case idempotencyKeyReused
    /// The result could not be recorded, so it is not acknowledged.
    case notRecorded

    /// The stable, machine-readable name clients branch on.
    public var code: String {
        switch self {
        case .invalidField: "invalid_field"
        case .noActivePrompt: "no_active_prompt"
        case .sandboxBusy: "sandbox_busy"
        case .sandboxUnavailable: "sandbox_unavailable"
        case .idempotencyKeyReused: "idempotency_key_reused"
        case .notRecorded: "store_unavailable"
        }
    }

    /// What the client is told: the problem in its own terms, nothing internal.
    public var message: String {
        switch self {
        case .invalidField(let field, let message): "\(field): \(message)"
        case .noActivePrompt(let taskType): "no active prompt version for task type '\(taskType)'"
        case .sandboxBusy(let message): message
        case .sandboxUnavailable: "the sandbox could not run the tests; retry shortly"
        case .idempotencyKeyReused:
            "this Idempotency-Key was already used with a different request; use a new key for a new request"
        case .notRecorded: "the database is unavailable: the result could not be recorded; retry the request"
        }
    }

    public var description: String { "\(code): \(message)" }
}
