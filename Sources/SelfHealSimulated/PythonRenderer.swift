import Foundation

/// Turns a `PythonModule` into source text, adding exactly the parts the prompt asked for.
struct PythonRenderer: Sendable {
    var instructions: PromptInstructions

    /// Prefix of a body line that only belongs to code asked to handle errors.
    static let validationOnly = "⟨v⟩"
    /// Prefix of a body line that the validated variant replaces with its own checked version.
    static let withoutValidationOnly = "⟨-v⟩"

    func render(_ module: PythonModule) -> String {
        var sections: [String] = []
        var imports = module.imports
        let definitions = module.definitions.map { definition -> String in
            switch definition {
            case .function(let function):
                let isPrimary = function.name == module.primaryName
                return render(function, indent: "", isMethod: false, examples: isPrimary ? module.examples : [], todo: isPrimary ? module.todo : nil)
            case .class(let type):
                return render(type, examples: type.name == module.primaryName ? module.examples : [])
            }
        }
        if instructions.typeHints, definitions.contains(where: { $0.contains("Any") }) {
            imports.append("from typing import Any")
        }
        if !imports.isEmpty { sections.append(imports.joined(separator: "\n")) }
        if !module.globals.isEmpty { sections.append(module.globals.map(annotations).joined(separator: "\n")) }
        sections.append(contentsOf: definitions)
        if instructions.tests { sections.append(contentsOf: tests(for: module)) }
        if let main = mainBlock(for: module) { sections.append(main) }
        return sections.joined(separator: "\n\n\n") + "\n"
    }

    // MARK: - Definitions

    private func render(_ type: PythonClass, examples: [PythonExampleStep]) -> String {
        var lines = ["class \(type.name)\(type.base.map { "(\($0))" } ?? ""):"]
        if instructions.docstrings {
            lines.append(contentsOf: docstring(summary: type.summary, sections: [], examples: examples, indent: "    "))
            lines.append("")
        }
        let methods = type.methods.map { render($0, indent: "    ", isMethod: true, examples: [], todo: nil) }
        lines.append(methods.joined(separator: "\n\n"))
        return lines.joined(separator: "\n")
    }

    private func render(_ function: PythonFunction, indent: String, isMethod: Bool, examples: [PythonExampleStep], todo: String?) -> String {
        var parameters = function.parameters.map { parameter -> String in
            let annotated = instructions.typeHints ? "\(parameter.name): \(parameter.type)" : parameter.name
            guard let value = parameter.defaultValue else { return annotated }
            return instructions.typeHints ? "\(annotated) = \(value)" : "\(annotated)=\(value)"
        }
        if isMethod { parameters.insert("self", at: 0) }
        let returns = instructions.typeHints ? " -> \(function.returnType)" : ""
        var lines = ["\(indent)def \(function.name)(\(parameters.joined(separator: ", ")))\(returns):"]
        let bodyIndent = indent + "    "
        if instructions.docstrings {
            var sections: [[String]] = []
            let documented = function.parameters.filter { !$0.doc.isEmpty }
            if !documented.isEmpty {
                sections.append(["Args:"] + documented.map { "    \($0.name): \($0.doc)" })
            }
            if let returnsDoc = function.returnsDoc { sections.append(["Returns:", "    " + returnsDoc]) }
            if instructions.validation, !function.raisesDoc.isEmpty {
                sections.append(["Raises:"] + function.raisesDoc.map { "    " + $0 })
            }
            lines.append(contentsOf: docstring(summary: function.summary, sections: sections, examples: examples, indent: bodyIndent))
        }
        if let todo, !instructions.noPlaceholders { lines.append("\(bodyIndent)# TODO: \(todo)") }
        if instructions.validation { lines.append(contentsOf: function.validation.map { bodyIndent + $0 }) }
        for line in function.body {
            if line.hasPrefix(Self.validationOnly) {
                if instructions.validation { lines.append(bodyIndent + annotations(String(line.dropFirst(Self.validationOnly.count)))) }
            } else if line.hasPrefix(Self.withoutValidationOnly) {
                if !instructions.validation { lines.append(bodyIndent + annotations(String(line.dropFirst(Self.withoutValidationOnly.count)))) }
            } else {
                lines.append(line.isEmpty ? "" : bodyIndent + annotations(line))
            }
        }
        return lines.joined(separator: "\n")
    }

    private func docstring(summary: String, sections: [[String]], examples: [PythonExampleStep], indent: String) -> [String] {
        var body = [summary]
        for section in sections { body.append(""); body.append(contentsOf: section) }
        if instructions.examples, !examples.isEmpty {
            body.append("")
            body.append("Examples:")
            for step in examples {
                body.append("    >>> " + step.code)
                if let result = step.result { body.append("    " + result) }
            }
        }
        if body.count == 1 { return ["\(indent)\"\"\"\(summary)\"\"\""] }
        var lines = ["\(indent)\"\"\"\(body[0])"]
        lines.append(contentsOf: body.dropFirst().map { $0.isEmpty ? "" : indent + $0 })
        lines.append("\(indent)\"\"\"")
        return lines
    }

    /// Keeps `⟪: list[int]⟫` annotations when type hints are asked for, drops them otherwise.
    private func annotations(_ line: String) -> String {
        var result = ""
        var inside = false
        for character in line {
            switch character {
            case "⟪": inside = true
            case "⟫": inside = false
            default: if !inside || instructions.typeHints { result.append(character) }
            }
        }
        return result
    }

    // MARK: - Tests and demo

    private func tests(for module: PythonModule) -> [String] {
        let returns = instructions.typeHints ? " -> None" : ""
        var functions: [String] = []
        if !module.examples.isEmpty {
            var lines = ["def test_\(module.primaryName.lowercased())()\(returns):"]
            if instructions.docstrings { lines.append("    \"\"\"\(module.primaryName) gives the documented results.\"\"\"") }
            for step in module.examples {
                guard let result = step.result else { lines.append("    " + step.code); continue }
                let comparison = ["True", "False", "None"].contains(result) ? "is" : "=="
                lines.append("    assert \(step.code) \(comparison) \(result)")
            }
            functions.append(lines.joined(separator: "\n"))
        }
        if instructions.validation, !module.invalidCalls.isEmpty {
            var lines = ["def test_\(module.primaryName.lowercased())_rejects_invalid_input()\(returns):"]
            if instructions.docstrings { lines.append("    \"\"\"\(module.primaryName) raises on invalid input.\"\"\"") }
            for call in module.invalidCalls {
                lines.append("    raised = False")
                lines.append("    try:")
                lines.append("        \(call.code)")
                lines.append("    except \(call.error):")
                lines.append("        raised = True")
                lines.append("    assert raised, \(pythonString("\(call.code) should raise \(call.error)"))")
            }
            functions.append(lines.joined(separator: "\n"))
        }
        return functions
    }

    private func mainBlock(for module: PythonModule) -> String? {
        var lines: [String] = []
        if instructions.examples {
            for step in module.examples {
                lines.append(step.result == nil ? step.code : "print(\(step.code))")
            }
        }
        if instructions.tests, !module.examples.isEmpty {
            lines.append("test_\(module.primaryName.lowercased())()")
            if instructions.validation, !module.invalidCalls.isEmpty {
                lines.append("test_\(module.primaryName.lowercased())_rejects_invalid_input()")
            }
            lines.append("print(\"all tests passed\")")
        }
        guard !lines.isEmpty else { return nil }
        return (["if __name__ == \"__main__\":"] + lines.map { "    " + $0 }).joined(separator: "\n")
    }

    private func pythonString(_ text: String) -> String {
        "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }
}
