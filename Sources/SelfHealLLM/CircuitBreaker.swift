import Synchronization

/// Fails fast while a provider is down. After `failureThreshold` consecutive failures it
/// opens: calls are refused without touching the network for `cooldown`. Then one call is
/// let through as a probe (half-open): success closes the breaker, failure re-opens it.
/// One breaker is shared by every purpose (generation, judge, rewrite) of one provider.
public final class CircuitBreaker: Sendable {
    public enum State: String, Sendable, Equatable {
        case closed
        case open
        case halfOpen = "half_open"
    }

    /// Whether a call may go ahead, and whether it is the recovery probe.
    enum Admission: Equatable {
        case allowed(probe: Bool)
        case refused(retryIn: Duration, lastFailure: String)
    }

    public let failureThreshold: Int
    public let cooldown: Duration

    private struct Inner {
        var consecutiveFailures = 0
        var openedAt: ContinuousClock.Instant?
        var probing = false
        var lastFailure = ""
    }
    private let inner = Mutex(Inner())

    public init(failureThreshold: Int = 5, cooldown: Duration = .seconds(30)) {
        self.failureThreshold = max(1, failureThreshold)
        self.cooldown = cooldown
    }

    public var state: State {
        inner.withLock { inner in
            guard let openedAt = inner.openedAt else { return .closed }
            return inner.probing || ContinuousClock.now - openedAt >= cooldown ? .halfOpen : .open
        }
    }

    func admit() -> Admission {
        inner.withLock { inner in
            guard let openedAt = inner.openedAt else { return .allowed(probe: false) }
            let waited = ContinuousClock.now - openedAt
            if waited >= cooldown && !inner.probing {
                inner.probing = true
                return .allowed(probe: true)
            }
            // While a probe is out, others keep failing fast rather than piling on.
            return .refused(retryIn: max(.zero, cooldown - waited), lastFailure: inner.lastFailure)
        }
    }

    /// The provider answered: closes the breaker. Returns true when it had been open.
    @discardableResult
    func recordSuccess() -> Bool {
        inner.withLock { inner in
            let wasOpen = inner.openedAt != nil
            inner = Inner()
            return wasOpen
        }
    }

    /// The provider could not be reached or did not answer in time. Returns true when this
    /// failure opened (or re-opened) the breaker.
    @discardableResult
    func recordFailure(_ message: String) -> Bool {
        inner.withLock { inner in
            inner.lastFailure = message
            if inner.openedAt != nil {
                // A failed probe (or a straggler that started before the breaker opened).
                let reopened = inner.probing
                inner.openedAt = .now
                inner.probing = false
                return reopened
            }
            inner.consecutiveFailures += 1
            guard inner.consecutiveFailures >= failureThreshold else { return false }
            inner.openedAt = .now
            return true
        }
    }

    /// A probe that ended without a verdict (the caller went away): let another probe try.
    func releaseProbe() {
        inner.withLock { $0.probing = false }
    }
}
