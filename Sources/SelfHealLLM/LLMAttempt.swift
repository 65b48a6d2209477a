public import SelfHealCore

/// One failed exchange with a provider: the error a caller sees, plus what the server said
/// about when to ask again (`Retry-After`), which `ResilientProvider` honours.
public struct LLMAttemptError: Error, Sendable, CustomStringConvertible {
    public var error: LLMError
    public var retryAfter: Duration?
    /// The HTTP status, when the server answered at all.
    public var status: Int?

    public init(_ error: LLMError, retryAfter: Duration? = nil, status: Int? = nil) {
        self.error = error
        self.retryAfter = retryAfter
        self.status = status
    }

    public var description: String { error.description }
}

/// A provider that can make a single attempt and report retry advice. Real providers
/// implement it; `ResilientProvider` retries its attempts; `complete` is one bare attempt.
public protocol LLMAttempting: LLMProvider {
    /// One exchange, no retries. Throws `LLMAttemptError`.
    func attempt(_ request: LLMRequest) async throws -> LLMCompletion
}

extension LLMAttempting {
    public func complete(_ request: LLMRequest) async throws -> LLMCompletion {
        do {
            return try await attempt(request)
        } catch let failure as LLMAttemptError {
            throw failure.error
        }
    }
}
