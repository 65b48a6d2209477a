import Foundation
import SelfHealCore
import SelfHealLLM

/// The simulated answer to a code_review request: a structured review of the code in the
/// request, found by simple, deterministic line checks.
enum CodeReviewAnswer {
    enum Severity: String, Comparable {
        case high, medium, low

        static func < (lhs: Severity, rhs: Severity) -> Bool { lhs.rank < rhs.rank }
        private var rank: Int { self == .high ? 0 : self == .medium ? 1 : 2 }
    }

    struct Finding {
        var severity: Severity
        var line: Int?
        var issue: String
        var suggestion: String
    }

    static func answer(systemPrompt: String, userRequest: String) -> String {
        let code = CodeExtraction.code(from: userRequest)
        let findings = review(code).sorted { ($0.severity, $0.line ?? 0) < ($1.severity, $1.line ?? 0) }
        // Suggestions only when someone asked for them, as a literal-minded reviewer would.
        let wantsSuggestions = TextMatching.containsAny(systemPrompt + " " + userRequest, ["suggest*", "fix*", "improv*", "recommend*"])
        var lines = ["## Summary"]
        if findings.isEmpty {
            lines.append("No issues found by the simulated reviewer's checks; the code looks reasonable.")
        } else if findings.count == 1, findings[0].issue.contains("no defects") {
            lines.append("No defects found; one low-severity note.")
        } else {
            lines.append("\(findings.count) issue(s); highest severity: \(findings[0].severity.rawValue).")
        }
        lines.append("")
        lines.append("## Issues")
        if findings.isEmpty { lines.append("- none") }
        for (index, finding) in findings.enumerated() {
            let location = finding.line.map { "line \($0): " } ?? ""
            lines.append("\(index + 1). [severity: \(finding.severity.rawValue)] \(location)\(finding.issue)")
        }
        if wantsSuggestions, !findings.isEmpty {
            lines.append("")
            lines.append("## Suggestions")
            var seen: Set<String> = []
            for finding in findings where seen.insert(finding.suggestion).inserted {
                lines.append("- " + finding.suggestion)
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    private static func definitionName(_ line: String) -> String {
        let trimmed = TextMatching.trimmed(line)
        let rest = trimmed.drop(while: { $0 != " " }).dropFirst()
        return String(rest.prefix(while: { $0.isLetter || $0.isNumber || $0 == "_" }))
    }

    static func review(_ code: String) -> [Finding] {
        var findings: [Finding] = []
        let lines = code.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let dangerous = ["eval(", "exec(", "os.system(", "shell=True", "pickle.loads("]
        for (offset, line) in lines.enumerated() {
            let number = offset + 1
            let trimmed = TextMatching.trimmed(line)
            if trimmed.hasPrefix("#") && !trimmed.uppercased().contains("TODO") { continue }
            for call in dangerous where line.contains(call) {
                findings.append(Finding(severity: .high, line: number, issue: "`\(call)` can run arbitrary code or commands built from input.",
                                        suggestion: "Replace `\(call)` with a safe alternative (ast.literal_eval, subprocess with an argument list, json)."))
            }
            if trimmed == "except:" || trimmed.hasPrefix("except Exception:") && lines.dropFirst(number).first?.contains("pass") == true {
                findings.append(Finding(severity: .medium, line: number, issue: "An overly broad `except` hides real errors.",
                                        suggestion: "Catch the specific exceptions you expect and let the rest propagate."))
            }
            if trimmed.hasPrefix("def "), trimmed.contains("=[]") || trimmed.contains("= []") || trimmed.contains("={}") || trimmed.contains("= {}") {
                findings.append(Finding(severity: .medium, line: number, issue: "A mutable default argument is shared between calls.",
                                        suggestion: "Default to None and create the list or dict inside the function."))
            }
            if line.contains("== None") || line.contains("!= None") {
                findings.append(Finding(severity: .low, line: number, issue: "Comparison to None with `==`.",
                                        suggestion: "Use `is None` / `is not None`."))
            }
            if trimmed.uppercased().contains("TODO") || trimmed.uppercased().contains("FIXME") {
                findings.append(Finding(severity: .low, line: number, issue: "Unfinished work is marked with TODO/FIXME.",
                                        suggestion: "Finish the implementation or track it outside the code."))
            }
            if trimmed.contains("range(len(") {
                findings.append(Finding(severity: .low, line: number, issue: "`range(len(...))` indexing is harder to read.",
                                        suggestion: "Iterate directly or use enumerate()."))
            }
        }
        let definitions = lines.filter { TextMatching.trimmed($0).hasPrefix("def ") }
        if !definitions.isEmpty {
            if !code.contains("\"\"\"") && !code.contains("'''") {
                findings.append(Finding(severity: .low, line: nil, issue: "Functions have no docstrings.",
                                        suggestion: "Add a docstring stating purpose, arguments and return value."))
            }
            if !definitions.contains(where: { $0.contains("->") }) {
                findings.append(Finding(severity: .low, line: nil, issue: "No type hints on function signatures.",
                                        suggestion: "Annotate parameters and return values."))
            }
            if !code.contains("raise ") && !code.contains("isinstance(") {
                findings.append(Finding(severity: .low, line: nil, issue: "Inputs are not validated.",
                                        suggestion: "Check argument types and ranges and raise TypeError/ValueError."))
            }
        } else if code.isEmpty {
            findings.append(Finding(severity: .low, line: nil, issue: "The request contains no code to review.",
                                    suggestion: "Paste the code in a fenced block."))
        }
        // Clean code still gets a concrete, located note: "looks fine" alone helps nobody.
        if findings.isEmpty, let index = lines.firstIndex(where: { TextMatching.trimmed($0).hasPrefix("def ") || $0.hasPrefix("class ") }) {
            let name = definitionName(lines[index])
            findings.append(Finding(severity: .low, line: index + 1, issue: "`\(name)` looks correct; the checks found no defects.",
                                    suggestion: "Consider adding unit tests for `\(name)` that cover edge cases; add them next to the module."))
        }
        return findings
    }
}
