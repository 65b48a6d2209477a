import Foundation

/// What one sample got back. `statusCode` is nil when no HTTP answer came (a transport error).
struct SampleResult: Encodable, Sendable, Equatable {
    var category: String
    var index: Int
    var userInput: String
    var statusCode: Int?
    var passed: Bool
    var finalScore: Double?
    var latencyMs: Double
    var error: String?
    var requestId: String?

    /// No HTTP answer at all: connection refused, reset, or no answer within the timeout.
    var isTransportError: Bool { statusCode == nil }

    enum CodingKeys: String, CodingKey {
        case category, index, passed, error
        case userInput = "user_input"
        case statusCode = "status_code"
        case finalScore = "final_score"
        case latencyMs = "latency_ms"
        case requestId = "request_id"
    }

    /// Every key on every row, null when empty, so a script can read any row the same way.
    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(category, forKey: .category)
        try c.encode(index, forKey: .index)
        try c.encode(userInput, forKey: .userInput)
        try c.encode(statusCode, forKey: .statusCode)
        try c.encode(passed, forKey: .passed)
        try c.encode(finalScore, forKey: .finalScore)
        try c.encode(latencyMs, forKey: .latencyMs)
        try c.encode(error, forKey: .error)
        try c.encode(requestId, forKey: .requestId)
    }
}

/// The figures of one category, or of all of them.
///
/// - pass rate: passed / requests sent, so an error answer counts against it like a failed
///   evaluation (a client got no passing code either way);
/// - average score: over the answers that carry a final score;
/// - latencies: over the requests that got an HTTP answer, nearest-rank percentiles.
struct CategorySummary: Encodable, Sendable, Equatable {
    var category: String
    var requests: Int
    var passed: Int
    var errors: Int
    var passRate: Double
    var averageScore: Double?
    var p50Ms: Double?
    var p95Ms: Double?

    init(category: String, results: [SampleResult]) {
        self.category = category
        requests = results.count
        passed = results.filter(\.passed).count
        errors = results.filter { $0.error != nil }.count
        passRate = results.isEmpty ? 0 : Double(passed) / Double(results.count)
        let scores = results.compactMap(\.finalScore)
        averageScore = scores.isEmpty ? nil : scores.reduce(0, +) / Double(scores.count)
        let latencies = results.filter { !$0.isTransportError }.map(\.latencyMs).sorted()
        p50Ms = Self.nearestRank(latencies, 0.50)
        p95Ms = Self.nearestRank(latencies, 0.95)
    }

    /// The value at position ⌈p·n⌉ of the sorted values: always a latency that really happened.
    static func nearestRank(_ sorted: [Double], _ p: Double) -> Double? {
        guard !sorted.isEmpty else { return nil }
        let rank = Int((p * Double(sorted.count)).rounded(.up))
        return sorted[min(max(rank, 1), sorted.count) - 1]
    }

    enum CodingKeys: String, CodingKey {
        case category, requests, passed, errors
        case passRate = "pass_rate"
        case averageScore = "average_score"
        case p50Ms = "p50_ms"
        case p95Ms = "p95_ms"
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(category, forKey: .category)
        try c.encode(requests, forKey: .requests)
        try c.encode(passed, forKey: .passed)
        try c.encode(errors, forKey: .errors)
        try c.encode(passRate, forKey: .passRate)
        try c.encode(averageScore, forKey: .averageScore)
        try c.encode(p50Ms, forKey: .p50Ms)
        try c.encode(p95Ms, forKey: .p95Ms)
    }
}

/// The outcome of a `selfheal samples` run: per-category figures, a total, every result.
struct SampleReport: Encodable, Sendable {
    var url: String
    var startedAt: Date
    var durationMs: Double
    var concurrency: Int
    /// Set when the run stopped early because the manager could not be reached.
    var stoppedEarly: String?
    var categories: [CategorySummary]
    var total: CategorySummary
    var results: [SampleResult]

    init(url: String, startedAt: Date, durationMs: Double, concurrency: Int, order: [String], results: [SampleResult], stoppedEarly: String? = nil) {
        self.url = url
        self.startedAt = startedAt
        self.durationMs = durationMs
        self.concurrency = concurrency
        self.stoppedEarly = stoppedEarly
        let sorted = results.sorted { (order.firstIndex(of: $0.category) ?? 0, $0.index) < (order.firstIndex(of: $1.category) ?? 0, $1.index) }
        self.results = sorted
        categories = order.map { name in CategorySummary(category: name, results: sorted.filter { $0.category == name }) }
        total = CategorySummary(category: "total", results: sorted)
    }

    var transportErrors: Int { results.filter(\.isTransportError).count }

    /// The table printed at the end of a run.
    func table() -> String {
        let header = ["category", "requests", "passed", "errors", "pass rate", "avg score", "p50 ms", "p95 ms"]
        let rows = (categories + [total]).map { s in
            [
                s.category, "\(s.requests)", "\(s.passed)", "\(s.errors)", String(format: "%.1f %%", s.passRate * 100),
                s.averageScore.map { String(format: "%.3f", $0) } ?? "-",
                s.p50Ms.map { String(format: "%.0f", $0) } ?? "-", s.p95Ms.map { String(format: "%.0f", $0) } ?? "-",
            ]
        }
        let widths = header.indices.map { column in ([header] + rows).map { $0[column].count }.max() ?? 0 }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { column, text in
                let padding = String(repeating: " ", count: widths[column] - text.count)
                return column == 0 ? text + padding : padding + text
            }.joined(separator: "  ")
        }
        let rule = String(repeating: "-", count: widths.reduce(0, +) + 2 * (widths.count - 1))
        return ([line(header), rule] + rows.dropLast().map(line) + [rule, line(rows.last ?? [])]).joined(separator: "\n")
    }

    func json() throws -> Data {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(self)
    }

    enum CodingKeys: String, CodingKey {
        case url, concurrency, categories, total, results
        case startedAt = "started_at"
        case durationMs = "duration_ms"
        case stoppedEarly = "stopped_early"
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(url, forKey: .url)
        try c.encode(startedAt, forKey: .startedAt)
        try c.encode(durationMs, forKey: .durationMs)
        try c.encode(concurrency, forKey: .concurrency)
        try c.encode(stoppedEarly, forKey: .stoppedEarly)
        try c.encode(categories, forKey: .categories)
        try c.encode(total, forKey: .total)
        try c.encode(results, forKey: .results)
    }
}
