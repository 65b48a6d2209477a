import Foundation
import Logging
import SelfHealCore
@testable import SelfHealRules

/// A throwaway rules folder; deleted when the test is done with it.
final class TempFolder: @unchecked Sendable {
    let path: String

    init(_ files: [String: String] = [:]) throws {
        path = NSTemporaryDirectory() + "selfheal-rules-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        for (name, text) in files { try write(name, text) }
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    func write(_ name: String, _ text: String) throws {
        try text.write(toFile: path + "/" + name, atomically: false, encoding: .utf8)
    }

    /// Saves the way editors do: write a temporary file, then rename it over the old one.
    func replaceByRename(_ name: String, _ text: String) throws {
        let temporary = path + "/.\(name).swp"
        try text.write(toFile: temporary, atomically: false, encoding: .utf8)
        guard rename(temporary, path + "/" + name) == 0 else { throw CocoaError(.fileWriteUnknown) }
    }
}

let quietLogger = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })

/// The shipped rules/, found from this file's location (works from the repo and from a
/// package that symlinks Tests/ and rules/).
let shippedRules = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("rules").path

func scoring(rules: Double = 0.4, judge: Double = 0.6, threshold: Double = 0.7) -> String {
    "return { weights = { rules = \(rules), judge = \(judge) }, pass_threshold = \(threshold), on_judge_unavailable = \"rules_only\" }\n"
}

/// A rule file whose check body is `body`.
func rule(_ name: String, weight: Double = 1, required: Bool = false, taskTypes: [String]? = nil, _ body: String) -> String {
    var text = "return {\n  name = \"\(name)\",\n  weight = \(weight),\n"
    if required { text += "  required = true,\n" }
    if let taskTypes { text += "  task_types = { " + taskTypes.map { "\"\($0)\"" }.joined(separator: ", ") + " },\n" }
    text += "  check = function(ctx)\n    \(body)\n  end,\n}\n"
    return text
}

func pythonContext(_ input: String, _ code: String, taskType: String = TaskTypes.codeGeneration, exec: ExecResult? = nil) -> RuleContext {
    RuleContext(taskType: taskType, input: input, output: "```python\n\(code)\n```", code: code, language: "python", exec: exec)
}

extension RuleSetScore {
    func result(_ name: String) -> RuleResult? { rules.first { $0.name == name } }
}
