import Foundation
import Hummingbird
import Metrics
import SelfHealCore

/// Counts and times every request as `selfheal_http_requests_total{role,route,status}` and
/// `selfheal_http_request_duration_seconds{role,route}`, labelled by route template
/// (never the raw URI, which would explode the label set).
struct HTTPMetricsMiddleware<Context: RequestContext>: RouterMiddleware {
    let role: String
    private let handles = HandleCache<Series, Handles>()

    private struct Series: Hashable, Sendable {
        var route: String
        var status: Int
    }

    private struct Handles: Sendable {
        let requests: Counter
        let duration: Timer
    }

    init(role: String) {
        self.role = role
    }

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
        let series = handles.handle(Series(route: route, status: status)) {
            Handles(
                requests: Counter(label: "selfheal_http_requests_total", dimensions: [("role", role), ("route", route), ("status", String(status))]),
                duration: Timer(label: "selfheal_http_request_duration_seconds", dimensions: [("role", role), ("route", route)])
            )
        }
        series.requests.increment()
        series.duration.recordInterval(since: start)
    }
}

extension Timer {
    func recordInterval(since start: ContinuousClock.Instant) {
        let elapsed = ContinuousClock.now - start
        let (seconds, attoseconds) = elapsed.components
        recordNanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }
}
