import Foundation
import SelfHealCore

/// Execution logs of one task type over a window, and what the plugins are told about them.
/// Computed from `Store.recentLogs`, so SQLite and PostgreSQL give the same answers.
struct LogWindow: Sendable {
    /// Newest first.
    var logs: [ExecutionLog]

    func logs(of promptId: Int64, since: Date = .distantPast) -> [ExecutionLog] {
        logs.filter { $0.promptId == promptId && $0.createdAt >= since }
    }

    func stats(of prompt: PromptVersion, since: Date = .distantPast) -> VersionStats {
        let mine = logs(of: prompt.id, since: since)
        let scored = mine.filter { $0.status == .ok }
        let passed = scored.filter(\.passed).count
        let scores = scored.compactMap(\.finalScore)
        return VersionStats(
            promptId: prompt.id, version: prompt.version, samples: mine.count, evaluated: scored.count,
            passed: passed, failed: scored.count - passed, errors: mine.count - scored.count,
            passRate: StatsSummary.passRate(passed: passed, evaluated: scored.count),
            avgScore: scores.isEmpty ? nil : scores.reduce(0, +) / Double(scores.count)
        )
    }

    /// Scored logs of `promptId` that did not pass, newest first.
    func failures(of promptId: Int64, since: Date) -> [ExecutionLog] {
        logs(of: promptId, since: since).filter { $0.status == .ok && !$0.passed && $0.id != nil }
    }

    /// Distinct inputs (by input and language), newest first, at most `limit`.
    static func distinctInputs(_ logs: [ExecutionLog], limit: Int) -> [ExecutionLog] {
        var seen = Set<String>()
        var picked: [ExecutionLog] = []
        for log in logs where picked.count < limit {
            if seen.insert((log.language ?? "") + "\u{0}" + log.userInput).inserted { picked.append(log) }
        }
        return picked
    }
}
