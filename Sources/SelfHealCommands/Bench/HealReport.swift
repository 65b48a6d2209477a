import Foundation

/// What `bench heal` found: per cycle the score, pass rate, active version and the
/// optimizer's decision; the state after the last cycle; and a grade.
struct HealReport: Codable {
    struct Cycle: Codable {
        var cycle: Int
        var averageScore: Double
        var passRate: Double
        var servedVersions: [Int]
        var decision: String
        var activeVersionAfter: Int
    }

    struct After: Codable {
        var averageScore: Double
        var passRate: Double
        var servedVersions: [Int]
    }

    struct Version: Codable {
        var version: Int
        var author: String
        var status: String
        var reason: String
        var evidence: Int
        /// The prompt's text: what the optimizer wrote, to read and to compare between runs.
        var text: String
    }

    var cycles: [Cycle]
    var after: After
    var badPromptVersion: Int
    var requestsPerCycle: Int
    var canaryShare: Double
    var lineage: [Version]

    var before: Cycle? { cycles.first }

    /// A: the loop lifted a failing prompt to 90 % or more; lower grades for less.
    var grade: (letter: String, points: Int) {
        let points = Int((after.passRate * 100).rounded())
        let improved = after.averageScore > (before?.averageScore ?? 0) + 0.05
        switch (after.passRate, improved) {
        case (0.9..., true): return ("A", points)
        case (0.75..., true): return ("B", points)
        case (0.5..., true): return ("C", points)
        case (_, true): return ("D", points)
        default: return ("F", points)
        }
    }

    func table() -> String {
        var lines = [
            "selfheal bench heal: bad prompt v\(badPromptVersion), \(requestsPerCycle) requests per cycle, canary share \(canaryShare), simulated LLM",
            "manager, worker and evaluator as separate HTTP servers on one SQLite store; the optimizer replays through them",
            "",
            "cycle  avg score  pass rate  served versions  optimizer decision      active after",
        ]
        for row in cycles {
            lines.append(
                "\(String(row.cycle).padded(to: 6)) \(String(format: "%.3f", row.averageScore).padded(to: 10)) \(percent(row.passRate).padded(to: 10)) "
                    + "\(row.servedVersions.map { "v\($0)" }.joined(separator: ",").padded(to: 16)) \(row.decision.padded(to: 23)) v\(row.activeVersionAfter)"
            )
        }
        lines.append(
            "after  \(String(format: "%.3f", after.averageScore).padded(to: 10)) \(percent(after.passRate).padded(to: 10)) "
                + after.servedVersions.map { "v\($0)" }.joined(separator: ",")
        )
        lines.append("")
        lines.append("before -> after: average score \(String(format: "%.3f", before?.averageScore ?? 0)) -> \(String(format: "%.3f", after.averageScore)), "
            + "pass rate \(percent(before?.passRate ?? 0)) -> \(percent(after.passRate))")
        lines.append("grade \(grade.letter) (\(grade.points)/100)")
        lines.append("lineage of the active version: " + lineage.map { "v\($0.version) (\($0.author), \($0.status))" }.joined(separator: " <- "))
        return lines.joined(separator: "\n")
    }

    func write(to directory: String) throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let markdown = "# selfheal bench heal\n\n```\n" + table() + "\n```\n\n## Lineage\n\n"
            + lineage.map { "- v\($0.version): \($0.author), \($0.status), \($0.evidence) evidence logs — \($0.reason)" }.joined(separator: "\n") + "\n"
            + (lineage.first.map { "\n## The active prompt (v\($0.version))\n\n```\n\($0.text)\n```\n" } ?? "")
        try markdown.write(toFile: directory + "/heal-report.md", atomically: true, encoding: .utf8)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        try encoder.encode(self).write(to: URL(fileURLWithPath: directory + "/heal-report.json"))
    }

    private func percent(_ value: Double) -> String { String(format: "%.0f %%", value * 100) }
}
