import Foundation
import Hummingbird
import SelfHealCore

/// The evaluator's dashboard (README.md, "Samples and the dashboard"): `GET /dashboard`, one self-contained page that reads
/// the stats API from the browser, and `GET /api/v1/stats/timeline`, the time series it needs
/// that the window aggregates of `StatsRoutes` do not give.
enum DashboardRoutes {
    /// The page goes on `open` (it holds no data), its data on `reader`.
    static func add(page open: RouterGroup<BasicRequestContext>, data reader: RouterGroup<BasicRequestContext>, store: any Store) {
        open.get("/dashboard") { _, _ -> Response in
            Response(
                status: .ok,
                headers: [
                    .contentType: "text/html; charset=utf-8",
                    // The page only talks to the origin that served it; nothing loads from elsewhere.
                    .contentSecurityPolicy: "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'; img-src data:",
                    .cacheControl: "no-store",
                ],
                body: ResponseBody(byteBuffer: ByteBuffer(string: DashboardPage.html))
            )
        }
        reader.get("/api/v1/stats/timeline") { request, _ -> Response in
            let hours = try StatsQuery.hours(request)
            let bucketMinutes = try bucketMinutes(request, hours: hours)
            let timeline = try await storeCall {
                try await StatsTimeline.load(store: store, hours: hours, bucketMinutes: bucketMinutes)
            }
            return JSONResponse.make(timeline)
        }
    }

    /// `bucket_minutes`, or a size giving about 60 points over the window. More than 2000
    /// buckets would draw nothing a person can read, so it is refused.
    static func bucketMinutes(_ request: Request, hours: Double) throws -> Int {
        guard let raw = request.uri.queryParameters.get("bucket_minutes") else {
            return StatsTimeline.defaultBucketMinutes(hours: hours)
        }
        guard let minutes = Int(raw), (1...1440).contains(minutes) else {
            throw APIError.badRequest("bucket_minutes: '\(raw)' must be a whole number from 1 to 1440")
        }
        guard hours * 60 / Double(minutes) <= 2000 else {
            throw APIError.badRequest("bucket_minutes: \(minutes) gives more than 2000 buckets over \(hours) hours; use a larger bucket")
        }
        return minutes
    }
}
