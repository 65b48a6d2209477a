import Hummingbird
import HTTPTypes

/// Checks the bearer credential each kind of route needs, then the caller's rate limit.
/// Failures are 401 (no or wrong credential) and 429 with `Retry-After`; the messages
/// say what is needed and never echo a credential.
struct AccessMiddleware<Context: RequestContext>: RouterMiddleware {
    let settings: SecuritySettings
    let limiter: RateLimiter

    init(settings: SecuritySettings) {
        self.settings = settings
        self.limiter = RateLimiter(perMinute: settings.rateLimitPerMinute)
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let access = RouteAccess.of(path: request.uri.path)
        guard access != .open else { return try await next(request, context) }
        let token = Self.bearer(request)
        if settings.isSecured {
            try authorize(access, token: token)
        }
        // Per client key: keys identify callers; without keys (loopback mode) there is no one to limit.
        if access == .client || access == .reader, settings.rateLimitPerMinute > 0, let token, settings.apiKeys.contains(token) {
            if let wait = limiter.admit(token) {
                throw APIError(
                    .tooManyRequests, code: "rate_limited",
                    message: "rate limit of \(settings.rateLimitPerMinute) requests per minute exceeded; retry in \(wait) s",
                    headers: [.retryAfter: String(wait)]
                )
            }
        }
        return try await next(request, context)
    }

    private func authorize(_ access: RouteAccess, token: String?) throws {
        let accepted: [String]
        let needed: String
        switch access {
        case .open: return
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

