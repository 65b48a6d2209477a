import HTTPTypes
import Hummingbird
import SelfHealCore
import Synchronization

/// Guards one group of routes: the concurrency bound, the credential that kind of route
/// needs, then the caller's rate limit. It is attached to the route group, so it runs only
/// after the router has chosen a route of that group: the decision is made on the route that
/// will answer, never on the raw path, and no spelling of a path (`//api`, `/api/v1/x/`,
/// percent-escapes) can reach a route without its check. Failures are 401 (no or wrong
/// credential), 429 with `Retry-After`, 503 when overloaded; the messages say what is needed
/// and never echo a credential.
struct AccessMiddleware<Context: RequestContext>: RouterMiddleware {
    let access: RouteAccess
    let gate: AccessGate

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let release = try gate.enter()
        defer { release() }
        let token = Self.bearer(request)
        let settings = gate.settings
        if settings.isSecured {
            try authorize(token: token)
        }
        // Per client key: keys identify callers; without keys (loopback mode) there is no one to limit.
        if access == .client || access == .reader, settings.rateLimitPerMinute > 0, let token, settings.apiKeys.contains(token) {
            if let wait = gate.limiter.admit(token) {
                throw APIError(
                    .tooManyRequests, code: "rate_limited",
                    message: "rate limit of \(settings.rateLimitPerMinute) requests per minute exceeded; retry in \(wait) s",
                    headers: [.retryAfter: String(wait)]
                )
            }
        }
        return try await next(request, context)
    }

    private func authorize(token: String?) throws {
        let settings = gate.settings
        let accepted: [String]
        let needed: String
        switch access {
        case .client:
            accepted = settings.apiKeys
            needed = "a client key (SELFHEAL_API_KEYS)"
        case .reader:
            accepted = settings.apiKeys + [settings.adminToken].compactMap { $0 }
            needed = "a client key (SELFHEAL_API_KEYS) or the admin token"
        case .admin:
            accepted = [settings.adminToken].compactMap { $0 }
            needed = "the admin token (SELFHEAL_ADMIN_TOKEN)"
        case .service:
            accepted = [settings.serviceToken].compactMap { $0 }
            needed = "the service token (SELFHEAL_SERVICE_TOKEN)"
        }
        guard let token else {
            throw Self.unauthorized("missing credential: send 'Authorization: Bearer <token>' with \(needed)")
        }
        guard !accepted.isEmpty else {
            throw Self.unauthorized("this route needs \(needed), which is not configured on this server")
        }
        // Check every candidate so the time taken does not reveal which one came close.
        var matched = false
        for candidate in accepted where ConstantTime.equals(candidate, token) {
            matched = true
        }
        guard matched else { throw Self.unauthorized("invalid credential: this route needs \(needed)") }
    }

    /// The bearer token of a request, if it sent one.
    static func bearer(_ request: Request) -> String? {
        guard let header = request.headers[.authorization] else { return nil }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return nil }
        let token = String(parts[1]).trimmingCharacters()
        return token.isEmpty ? nil : token
    }

    static func unauthorized(_ message: String) -> APIError {
        APIError(.unauthorized, code: "unauthorized", message: message, headers: [.wwwAuthenticate: "Bearer"])
    }
}

/// What every guarded group of one router shares: the settings, the per-key rate limiter and
/// the count of requests in flight (probes and metrics, in the open group, are never counted).
final class AccessGate: Sendable {
    let settings: SecuritySettings
    let limiter: RateLimiter
    private let inFlight = Atomic<Int>(0)

    init(settings: SecuritySettings) {
        self.settings = settings
        self.limiter = RateLimiter(perMinute: settings.rateLimitPerMinute)
    }

    /// Admits one request, or throws 503 past the bound instead of queueing without end;
    /// the closure returned gives the place back.
    func enter() throws -> @Sendable () -> Void {
        let limit = settings.maxConcurrentRequests
        guard limit > 0 else { return {} }
        let now = inFlight.wrappingAdd(1, ordering: .relaxed).newValue
        let release: @Sendable () -> Void = { [self] in self.inFlight.wrappingSubtract(1, ordering: .relaxed) }
        guard now <= limit else {
            release()
            throw APIError(
                .serviceUnavailable, code: "overloaded",
                message: "more than \(limit) requests in flight; retry shortly", headers: [.retryAfter: "1"]
            )
        }
        return release
    }
}
