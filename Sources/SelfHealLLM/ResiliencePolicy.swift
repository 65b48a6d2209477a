/// How hard `ResilientProvider` tries: the time one attempt may take, how many times a
/// retryable failure (429, 5xx, connection error) is retried, and the backoff between tries.
public struct ResiliencePolicy: Sendable {
    /// One attempt, from sending to the last byte of the answer.
    public var timeout: Duration
    /// Retries after the first attempt; 0 turns retrying off.
    public var maxRetries: Int
    /// The first backoff; each retry doubles it, up to `maxDelay`, with jitter.
    public var baseDelay: Duration
    public var maxDelay: Duration
    /// A `Retry-After` longer than this is not waited for: the call fails at once, saying so.
    public var maxRetryAfter: Duration

    public init(
        timeout: Duration = .seconds(60), maxRetries: Int = 2, baseDelay: Duration = .milliseconds(500),
        maxDelay: Duration = .seconds(8), maxRetryAfter: Duration = .seconds(30)
    ) {
        self.timeout = timeout
        self.maxRetries = max(0, maxRetries)
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
        self.maxRetryAfter = maxRetryAfter
    }

    /// Exponential backoff with "equal jitter": half the delay is fixed, half random, so
    /// clients that failed together do not retry together.
    func backoff(afterAttempt attempt: Int) -> Duration {
        let exponential = baseDelay * (1 << min(attempt, 20))
        let capped = min(exponential, maxDelay)
        let half = capped.secondsValue / 2
        return .milliseconds(Int64(((half + Double.random(in: 0...half)) * 1000).rounded()))
    }
}
