import Foundation
import SelfHealCore

/// Plain-text renderings of prompt versions for the terminal.
enum PromptTable {
    static func rows(_ prompts: [PromptVersion]) -> String {
        guard !prompts.isEmpty else { return "no prompt versions" }
        var lines = ["id     task type         version  status       author     parent  created               reason"]
        for p in prompts {
            lines.append([
                "\(p.id)".padded(to: 6), p.taskType.padded(to: 17), "v\(p.version)".padded(to: 8), p.status.rawValue.padded(to: 12), p.author.rawValue.padded(to: 10),
                (p.parentId.map { "\($0)" } ?? "-").padded(to: 7), stamp(p.createdAt).padded(to: 21), String((p.reason ?? "").prefix(60)),
            ].joined(separator: " "))
        }
        return lines.joined(separator: "\n")
    }

    static func detail(_ p: PromptVersion, history: [PromptStatusChange]) -> String {
        var lines = [
            "prompt \(p.id): \(p.taskType) v\(p.version), \(p.status.rawValue)",
            "author: \(p.author.rawValue)   parent: \(p.parentId.map { "\($0)" } ?? "none")   created: \(stamp(p.createdAt))",
            "reason: \(p.reason ?? "-")",
            "evidence (execution log ids): \(p.evidence.isEmpty ? "none" : p.evidence.map(String.init).joined(separator: ", "))",
            "history:",
        ]
        lines += history.map { "  \(stamp($0.at))  \($0.status.rawValue)\($0.reason.map { "  (\($0))" } ?? "")" }
        lines += ["", "text:", p.text]
        return lines.joined(separator: "\n")
    }

    private static func stamp(_ date: Date) -> String {
        date.formatted(.iso8601.year().month().day().dateTimeSeparator(.space).time(includingFractionalSeconds: false))
    }
}
