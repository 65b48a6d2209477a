import Foundation
import SelfHealCore

/// What `/api/v1/stats/timeline` answers: scores over time per task type and overall, and the
/// prompt and optimizer events of the window, for the dashboard's time-based charts.
///
/// The store's stats methods aggregate whole windows only, and the store protocol is shared by
/// two implementations, so the buckets are computed here from `recentLogs`. That read is capped
/// (`logLimit`): when more requests fall in the window, the oldest are left out and `truncated`
/// says so, rather than letting a dashboard refresh read an unbounded table.
struct StatsTimeline: Encodable, Sendable {
    /// One time bucket: the requests created in [start, start + bucket).
    struct Point: Encodable, Sendable, Equatable {
        var start: Date
        var count: Int
        var passed: Int
        var failed: Int
        var errors: Int
        var avgFinal: Double?
        var avgRules: Double?
        var avgJudge: Double?

        enum CodingKeys: String, CodingKey {
            case start, count, passed, failed, errors
            case avgFinal = "avg_final"
            case avgRules = "avg_rules"
            case avgJudge = "avg_judge"
        }
    }

    struct Series: Encodable, Sendable {
        var taskType: String
        var points: [Point]

        enum CodingKeys: String, CodingKey {
            case points
            case taskType = "task_type"
        }
    }

    /// A prompt status change or an optimizer decision that changed (or tried to change) a prompt.
    struct Event: Encodable, Sendable {
        enum Kind: String, Encodable, Sendable { case prompt, optimizer }
        var at: Date
        var kind: Kind
        var taskType: String
        var promptId: Int64?
        var version: Int?
        var status: String?
        var author: String?
        var decision: String?
        var reason: String?

        enum CodingKeys: String, CodingKey {
            case at, kind, version, status, author, decision, reason
            case taskType = "task_type"
            case promptId = "prompt_id"
        }
    }

    var hours: Double
    var since: Date
    var until: Date
    var bucketMinutes: Int
    var logs: Int
    var truncated: Bool
    var overall: [Point]
    var series: [Series]
    var events: [Event]
    /// Optimizer runs that changed nothing (noop, cooldown, locked, canary_wait), by decision:
    /// counted rather than drawn, because a looping optimizer writes one per task type per pass.
    var quietOptimizerRuns: [String: Int]

    enum CodingKeys: String, CodingKey {
        case hours, since, until, logs, truncated, overall, series, events
        case bucketMinutes = "bucket_minutes"
        case quietOptimizerRuns = "quiet_optimizer_runs"
    }

    static let logLimit = 5000
    static let optimizerRunLimit = 2000
    static let promptLimit = 200
    static let quietDecisions: Set<String> = ["noop", "cooldown", "locked", "canary_wait"]

    /// A bucket size giving at most about 60 points over the window, from a ladder of round sizes.
    static func defaultBucketMinutes(hours: Double) -> Int {
        let ladder = [1, 2, 5, 10, 15, 30, 60, 120, 180, 360, 720, 1440]
        return ladder.first { hours * 60 / Double($0) <= 60 } ?? 1440
    }

    /// Reads the window from the store and buckets it.
    static func load(store: any Store, hours: Double, bucketMinutes: Int, now: Date = Date()) async throws -> StatsTimeline {
        let since = now.addingTimeInterval(-hours * 3600)
        let logs = try await store.recentLogs(taskType: nil, since: since, limit: logLimit)
        let runs = try await store.optimizerRuns(taskType: nil, limit: optimizerRunLimit).filter { $0.createdAt >= since }
        var events: [Event] = []
        for prompt in try await store.prompts(taskType: nil).prefix(promptLimit) {
            let history = try await store.promptHistory(id: prompt.id)
            events += promptEvents(prompt, history: history, since: since)
        }
        var quiet: [String: Int] = [:]
        for run in runs {
            if quietDecisions.contains(run.decision) {
                quiet[run.decision, default: 0] += 1
            } else {
                events.append(Event(
                    at: run.createdAt, kind: .optimizer, taskType: run.taskType, promptId: run.candidateId ?? run.promptId,
                    decision: run.decision, reason: reason(fromDetails: run.details)
                ))
            }
        }
        let bucket = TimeInterval(bucketMinutes * 60)
        let byTaskType = Dictionary(grouping: logs, by: \.taskType)
        return StatsTimeline(
            hours: hours, since: since, until: now, bucketMinutes: bucketMinutes, logs: logs.count,
            truncated: logs.count >= logLimit,
            overall: points(logs, bucket: bucket),
            series: byTaskType.keys.sorted().map { Series(taskType: $0, points: points(byTaskType[$0] ?? [], bucket: bucket)) },
            events: events.sorted { $0.at < $1.at },
            quietOptimizerRuns: quiet
        )
    }

    /// Buckets aligned to whole multiples of the bucket size since 1970, so a point keeps its
    /// start time from one refresh to the next; empty buckets are left out.
    static func points(_ logs: [ExecutionLog], bucket: TimeInterval) -> [Point] {
        let grouped = Dictionary(grouping: logs) { ($0.createdAt.timeIntervalSince1970 / bucket).rounded(.down) }
        return grouped.keys.sorted().map { key in
            let group = grouped[key] ?? []
            let evaluated = group.filter { $0.status == .ok }
            return Point(
                start: Date(timeIntervalSince1970: key * bucket),
                count: group.count,
                passed: evaluated.filter(\.passed).count,
                failed: evaluated.filter { !$0.passed }.count,
                errors: group.count - evaluated.count,
                avgFinal: mean(evaluated.compactMap(\.finalScore)),
                avgRules: mean(evaluated.compactMap(\.ruleScore)),
                avgJudge: mean(evaluated.compactMap(\.judgeScore))
            )
        }
    }

    /// A version's status changes inside the window; a version without recorded history shows
    /// once, at its creation.
    static func promptEvents(_ prompt: PromptVersion, history: [PromptStatusChange], since: Date) -> [Event] {
        let changes = history.isEmpty
            ? [PromptStatusChange(promptId: prompt.id, status: prompt.status, reason: prompt.reason, at: prompt.createdAt)]
            : history
        // The version's own reason explains its creation, not its later status changes.
        return changes.enumerated().filter { $0.element.at >= since }.map { index, change in
            Event(
                at: change.at, kind: .prompt, taskType: prompt.taskType, promptId: prompt.id, version: prompt.version,
                status: change.status.rawValue, author: prompt.author.rawValue,
                reason: change.reason ?? (index == 0 ? prompt.reason : nil)
            )
        }
    }

    /// The `reason` of an optimizer run's details JSON, or the raw text when it is not that JSON.
    static func reason(fromDetails details: String?) -> String? {
        guard let details else { return nil }
        struct Reason: Decodable { var reason: String? }
        if let parsed = try? JSONDecoder().decode(Reason.self, from: Data(details.utf8)) { return parsed.reason }
        return String(details.prefix(300))
    }

    private static func mean(_ values: [Double]) -> Double? {
        values.isEmpty ? nil : values.reduce(0, +) / Double(values.count)
    }
}
