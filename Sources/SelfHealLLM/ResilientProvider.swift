public import Logging
public import SelfHealCore

/// Wraps a provider with what a real network needs: a timeout per attempt, retries with
/// exponential backoff and jitter on 429 (honouring `Retry-After`), 5xx and connection
/// errors, no retry on any other 4xx or on a malformed answer, and a circuit breaker that
/// fails fast while the provider is down. Every failed attempt is logged with the
/// provider's own message; messages never contain the key (the providers redact it).
public struct ResilientProvider: LLMProvider {
    public let inner: any LLMProvider
    public let policy: ResiliencePolicy
    public let breaker: CircuitBreaker
    let logger: Logger
    /// `inner` as a provider that bounds its own attempts, when it is one: cast once here, not
    /// per call (a protocol cast between existentials walks the conformance tables).
    private let attempting: (any LLMAttempting)?

    public var name: String { inner.name }
    public var model: String { inner.model }

    public init(_ inner: any LLMProvider, policy: ResiliencePolicy = ResiliencePolicy(), breaker: CircuitBreaker = CircuitBreaker(), logger: Logger) {
        self.inner = inner
        self.attempting = inner as? any LLMAttempting
        self.policy = policy
        self.breaker = breaker
        self.logger = logger
    }

    public func complete(_ request: LLMRequest) async throws -> LLMCompletion {
        var attempt = 0
        while true {
            attempt += 1
            let probe: Bool
            switch breaker.admit() {
            case .allowed(let isProbe):
                probe = isProbe
            case .refused(let retryIn, let lastFailure):
                throw LLMError(
                    .unavailable, provider: name,
                    message: "circuit open after repeated failures, failing fast (next probe in \(retryIn.secondsText)); last failure: \(lastFailure)"
                )
            }

            let failure: LLMAttemptError
            do {
                let completion = try await once(request)
                if breaker.recordSuccess() {
                    logger.notice("LLM provider recovered; circuit closed", metadata: metadata(request))
                }
                return completion
            } catch let error as LLMAttemptError {
                failure = error
            } catch {
                if probe { breaker.releaseProbe() }
                throw error
            }

            // Only an unreachable or silent provider counts against the breaker; one that
            // answers, even with a 4xx or nonsense, is up.
            switch failure.error.kind {
            case .unavailable, .timeout, .rateLimited:
                if breaker.recordFailure(failure.error.message) {
                    logger.error(
                        "LLM provider failing; circuit open",
                        metadata: metadata(request).merging(["circuit.cooldown_s": "\(breaker.cooldown.secondsValue)"]) { $1 }
                    )
                }
            case .rejected, .malformed:
                breaker.recordSuccess()
            }

            let retryable = failure.error.kind == .unavailable || failure.error.kind == .rateLimited
            var wait: Duration?
            var giveUpReason: String?
            if retryable && attempt <= policy.maxRetries {
                if let asked = failure.retryAfter, asked > policy.maxRetryAfter {
                    giveUpReason = "the server asks to retry after \(asked.secondsText), longer than the \(policy.maxRetryAfter.secondsText) allowed"
                } else {
                    wait = failure.retryAfter ?? policy.backoff(afterAttempt: attempt - 1)
                }
            }
            var logged = metadata(request)
            logged["attempt"] = "\(attempt)"
            logged["error.kind"] = "\(failure.error.kind.rawValue)"
            logged["error"] = "\(failure.error.message)"
            if let detail = failure.error.detail { logged["error.detail"] = "\(detail)" }
            if let status = failure.status { logged["http.status"] = "\(status)" }
            if let wait { logged["retry.in_s"] = "\(wait.secondsValue)" }
            logger.warning("LLM call failed", metadata: logged)

            guard let wait else {
                var error = failure.error
                if let giveUpReason {
                    error.message += "; \(giveUpReason)"
                } else if retryable && attempt > 1 {
                    error.message += " (gave up after \(attempt) attempts)"
                }
                throw error
            }
            try await Task.sleep(for: wait)
        }
    }

    /// One attempt within the policy's timeout, every failure as an `LLMAttemptError`.
    private func once(_ request: LLMRequest) async throws -> LLMCompletion {
        let inner = self.inner
        do {
            if let attempting {
                return try await attempting.attempt(request, within: policy.timeout)
            }
            return try await Deadline.run(within: policy.timeout) { try await inner.complete(request) }
        } catch is Deadline.Exceeded {
            throw LLMAttemptError.noAnswer(within: policy.timeout, provider: name, model: model)
        } catch let error as LLMError {
            throw LLMAttemptError(error)
        }
    }

    private func metadata(_ request: LLMRequest) -> Logger.Metadata {
        ["llm.provider": "\(name)", "llm.model": "\(model)", "llm.purpose": "\(request.purpose.rawValue)"]
    }
}
