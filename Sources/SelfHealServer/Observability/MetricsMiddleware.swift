import Foundation
import Hummingbird
import Metrics

/// Counts and times every request as `selfheal_http_requests_total{role,route,status}` and
/// `selfheal_http_request_duration_seconds{role,route}`, labelled by route template
/// (never the raw URI, which would explode the label set).
struct HTTPMetricsMiddleware<Context: RequestContext>: RouterMiddleware {
    let role: String

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        do {
            let response = try await next(request, context)
            record(route: context.endpointPath ?? "unmatched", status: Int(response.status.code), since: start)
            return response
        } catch {
            let status = (error as? any HTTPResponseError)?.status.code ?? 500
            record(route: context.endpointPath ?? "unmatched", status: Int(status), since: start)
            throw error
        }
    }

    private func record(route: String, status: Int, since start: ContinuousClock.Instant) {
        Counter(label: "selfheal_http_requests_total", dimensions: [("role", role), ("route", route), ("status", String(status))])
            .increment()
        Timer(label: "selfheal_http_request_duration_seconds", dimensions: [("role", role), ("route", route)])
            .recordInterval(since: start)
    }
}

extension Timer {
    func recordInterval(since start: ContinuousClock.Instant) {
        let elapsed = ContinuousClock.now - start
        let (seconds, attoseconds) = elapsed.components
        recordNanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }
}
