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

    /// One exchange that ends within `timeout`, the answer read whole; past it, an
    /// `LLMAttemptError` of kind `.timeout` (`noAnswer(within:...)`). `boundedAttempt` by
    /// default; a provider whose transport keeps such a deadline itself can use that instead.
    func attempt(_ request: LLMRequest, within timeout: Duration) async throws -> LLMCompletion
}

extension LLMAttempting {
    public func attempt(_ request: LLMRequest, within timeout: Duration) async throws -> LLMCompletion {
        try await boundedAttempt(request, within: timeout)
    }

    /// `attempt(request)` in a task of its own, cancelled when the timeout is up.
    public func boundedAttempt(_ request: LLMRequest, within timeout: Duration) async throws -> LLMCompletion {
        do {
            return try await Deadline.run(within: timeout) { try await attempt(request) }
        } catch is Deadline.Exceeded {
            throw LLMAttemptError.noAnswer(within: timeout, provider: name, model: model)
        }
    }
}

extension LLMAttemptError {
    /// An attempt that ran out of its timeout.
    static func noAnswer(within timeout: Duration, provider: String, model: String) -> LLMAttemptError {
        LLMAttemptError(LLMError(.timeout, provider: provider, message: "no answer within \(timeout.secondsText) (model \(model))"))
    }
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
