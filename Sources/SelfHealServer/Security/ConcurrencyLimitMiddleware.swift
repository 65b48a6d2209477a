import Hummingbird
import Synchronization

/// Bounds the requests a process works on at once. Past the bound a request gets 503 at
/// once instead of joining an unbounded queue; probes and metrics are never refused.
struct ConcurrencyLimitMiddleware<Context: RequestContext>: RouterMiddleware {
    let limit: Int
    let inFlight: Counter

    final class Counter: Sendable {
        let value = Atomic<Int>(0)
    }

    init(limit: Int) {
        self.limit = limit
        self.inFlight = Counter()
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard limit > 0, RouteAccess.of(path: request.uri.path) != .open else { return try await next(request, context) }
        let now = inFlight.value.wrappingAdd(1, ordering: .relaxed).newValue
        defer { inFlight.value.wrappingSubtract(1, ordering: .relaxed) }
        guard now <= limit else {
            throw APIError(
                .serviceUnavailable, code: "overloaded",
                message: "more than \(limit) requests in flight; retry shortly", headers: [.retryAfter: "1"]
            )
        }
        return try await next(request, context)
    }
}
