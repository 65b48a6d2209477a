/// Who may call what, and how much (README.md, "Security"). With no token configured at all every
/// route is open — the embedded default, which the CLI allows only on a loopback address.
/// As soon as one token is set, every class of route needs its own credential.
public struct SecuritySettings: Sendable {
    /// Client keys (`SELFHEAL_API_KEYS`, comma-separated).
    public var apiKeys: [String]
    /// Prompt admin token (`SELFHEAL_ADMIN_TOKEN`).
    public var adminToken: String?
    /// Role-to-role token (`SELFHEAL_SERVICE_TOKEN`).
    public var serviceToken: String?
    /// Requests per minute per client key; 0 = no limit.
    public var rateLimitPerMinute: Int
    /// Requests in flight per process before new ones get 503; never an unbounded queue.
    public var maxConcurrentRequests: Int

    public static let open = SecuritySettings(apiKeys: [], adminToken: nil, serviceToken: nil, rateLimitPerMinute: 0, maxConcurrentRequests: 256)

    public init(apiKeys: [String], adminToken: String?, serviceToken: String?, rateLimitPerMinute: Int, maxConcurrentRequests: Int) {
        self.apiKeys = apiKeys
        self.adminToken = adminToken
        self.serviceToken = serviceToken
        self.rateLimitPerMinute = rateLimitPerMinute
        self.maxConcurrentRequests = maxConcurrentRequests
    }

    /// True when any credential is configured: then nothing but health and metrics is open.
    public var isSecured: Bool {
        !apiKeys.isEmpty || adminToken != nil || serviceToken != nil
    }
}

/// The kinds of guarded route, each with its own credential. Probes, Prometheus, the API
/// description and the dashboard page are in no group: they are open.
enum RouteAccess: Equatable, Sendable {
    /// Generation requests and feedback: a client key.
    case client
    /// Stats and the dashboard's data: a client key or the admin token.
    case reader
    /// Prompt and optimizer administration: the admin token.
    case admin
    /// Worker and evaluator endpoints called by other roles: the service token.
    case service
}

/// Compares secrets in time that does not depend on where they differ.
enum ConstantTime {
    static func equals(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8)
        let y = Array(b.utf8)
        // Any difference in length counts in full: truncating it to a byte would call two
        // secrets equal whose lengths differ by a multiple of 256 and whose shared part matches.
        var difference = x.count == y.count ? 0 : 1
        for index in 0..<max(x.count, y.count) {
            difference |= Int((index < x.count ? x[index] : 0) ^ (index < y.count ? y[index] : 0))
        }
        return difference == 0
    }
}

