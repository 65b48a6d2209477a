import SelfHealCore
import SelfHealLLM

/// The simulated answer to a test_generation request: pytest-style tests for the function or
/// class the request names, built from the same known-good examples the code templates carry.
enum TestGenerationAnswer {
    static func answer(systemPrompt: String, userRequest: String) -> String {
        let request = CodeRequest(userRequest)
        let name = request.requestedName ?? definedName(in: userRequest)
        let module = request.topic.module(named: name, request: request)
        let instructions = PromptInstructions(systemPrompt: systemPrompt, userRequest: userRequest)
        let target = module.primaryName
        let returns = instructions.typeHints ? " -> None" : ""
        var sections: [String] = []
        let edgeCases = instructions.validation && !module.invalidCalls.isEmpty
        if edgeCases { sections.append("import pytest") }

        var known = ["def test_\(target.lowercased())_known_values()\(returns):"]
        if instructions.docstrings { known.append("    \"\"\"\(target) gives the expected results for typical input.\"\"\"") }
        for step in module.examples {
            guard let result = step.result else { known.append("    " + step.code); continue }
            let comparison = ["True", "False", "None"].contains(result) ? "is" : "=="
            known.append("    assert \(step.code) \(comparison) \(result)")
        }
        sections.append(known.joined(separator: "\n"))

        if edgeCases {
            for (index, call) in module.invalidCalls.enumerated() {
                var lines = ["def test_\(target.lowercased())_rejects_invalid_input_\(index + 1)()\(returns):"]
                if instructions.docstrings { lines.append("    \"\"\"\(target) raises \(call.error) on invalid input.\"\"\"") }
                lines.append("    with pytest.raises(\(call.error)):")
                lines.append("        \(call.code)")
                sections.append(lines.joined(separator: "\n"))
            }
        }
        let sentence = "Here are pytest tests for `\(target)`; they expect `\(target)` to be importable from, or defined in, the module under test."
        return sentence + "\n\n```python\n" + sections.joined(separator: "\n\n\n") + "\n```\n"
    }

    /// The first `def name(` or `class Name` in code pasted into the request.
    static func definedName(in text: String) -> String? {
        let code = CodeExtraction.code(from: text)
        for line in code.split(whereSeparator: \.isNewline) {
            let trimmed = line.drop(while: { $0 == " " })
            for keyword in ["def ", "class "] where trimmed.hasPrefix(keyword) {
                let name = trimmed.dropFirst(keyword.count).prefix(while: { $0.isLetter || $0.isNumber || $0 == "_" })
                if TextMatching.isIdentifier(String(name)) { return String(name) }
            }
        }
        return nil
    }
}
