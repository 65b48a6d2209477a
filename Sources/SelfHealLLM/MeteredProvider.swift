public import Metrics
public import SelfHealCore

/// Counts every call a caller makes (after retries) in the metrics README.md lists under "LLM providers":
/// `selfheal_llm_requests_total{provider,status}`, `selfheal_llm_request_duration_seconds{provider}`
/// and `selfheal_llm_tokens_total{provider,direction}`.
public struct MeteredProvider: LLMProvider {
    public let inner: any LLMProvider
    let factory: any MetricsFactory
    /// The handles every call records to, made once: a handle made per call is a lookup in the
    /// metrics registry under its lock, two calls per request. The token counters are made on a
    /// call's success, so a provider that never answered shows no tokens at all.
    private let duration: Metrics.Timer
    private let succeeded: Counter
    /// The token counters by direction, made on the first success.
    private let tokens = HandleCache<String, Counter>()

    public var name: String { inner.name }
    public var model: String { inner.model }

    /// `factory` defaults to the process-wide metrics system; tests pass their own.
    public init(_ inner: any LLMProvider, factory: (any MetricsFactory)? = nil) {
        self.inner = inner
        let factory = factory ?? MetricsSystem.factory
        self.factory = factory
        let name = inner.name
        duration = Metrics.Timer(label: "selfheal_llm_request_duration_seconds", dimensions: [("provider", name)], factory: factory)
        succeeded = Counter(label: "selfheal_llm_requests_total", dimensions: [("provider", name), ("status", "ok")], factory: factory)
    }

    public func complete(_ request: LLMRequest) async throws -> LLMCompletion {
        let started = ContinuousClock.now
        defer { duration.recordInterval(since: started) }
        do {
            let completion = try await inner.complete(request)
            succeeded.increment()
            tokenCounter("input").increment(by: completion.tokens.input)
            tokenCounter("output").increment(by: completion.tokens.output)
            return completion
        } catch let error as LLMError {
            count(status: Self.statusLabel(error.kind))
            throw error
        } catch is CancellationError {
            count(status: "cancelled")
            throw CancellationError()
        } catch {
            count(status: "error")
            throw error
        }
    }

    private func tokenCounter(_ direction: String) -> Counter {
        tokens.handle(direction) {
            Counter(label: "selfheal_llm_tokens_total", dimensions: [("provider", name), ("direction", direction)], factory: factory)
        }
    }

    /// A failure's status; rare, so its handle is made when needed.
    private func count(status: String) {
        Counter(label: "selfheal_llm_requests_total", dimensions: [("provider", name), ("status", status)], factory: factory)
            .increment()
    }

    static func statusLabel(_ kind: LLMError.Kind) -> String {
        switch kind {
        case .timeout: "timeout"
        case .unavailable: "unavailable"
        case .rateLimited: "rate_limited"
        case .rejected: "rejected"
        case .malformed: "malformed"
        }
    }
}

extension Metrics.Timer {
    func recordInterval(since start: ContinuousClock.Instant) {
        let (seconds, attoseconds) = (ContinuousClock.now - start).components
        recordNanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }
}
