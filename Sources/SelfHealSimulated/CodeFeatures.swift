import Foundation

/// Surface features of a Python snippet that the simulated judge grades. Deliberately simple text
/// checks, in line with what the Lua rules look for, so both halves of the score agree.
struct CodeFeatures {
    let code: String
    /// The code's lines without the spaces at either end, made once: every check reads them.
    private let trimmedLines: [String]

    init(_ code: String) {
        self.code = code
        self.trimmedLines = code.split(separator: "\n", omittingEmptySubsequences: false).map(TextMatching.trimmed)
    }

    var hasDefinitions: Bool { trimmedLines.contains { $0.hasPrefix("def ") || $0.hasPrefix("class ") } }

    var codeLines: Int { trimmedLines.filter { !$0.isEmpty && !$0.hasPrefix("#") }.count }

    func defines(_ name: String) -> Bool {
        trimmedLines.contains { $0.hasPrefix("def \(name)(") || $0.hasPrefix("class \(name)(") || $0.hasPrefix("class \(name):") }
    }

    var hasDocstring: Bool { code.contains("\"\"\"") || code.contains("'''") }

    /// An annotated parameter or a return annotation on some `def`.
    var hasTypeHints: Bool {
        trimmedLines.contains { line in
            guard line.hasPrefix("def "), let open = line.firstIndex(of: "(") else { return false }
            if line.contains("->") { return true }
            let parameters = line[open...].dropFirst().prefix { $0 != ")" }
            return parameters.split(separator: ",").contains { part in
                let name = TextMatching.trimmed(part)
                return name != "self" && name.contains(":")
            }
        }
    }

    /// Raising a specific error (not NotImplementedError), checking types, or catching errors.
    var hasValidation: Bool {
        code.contains("isinstance(") || trimmedLines.contains { line in
            line == "try:" || (line.hasPrefix("raise ") && line.contains("Error") && !line.contains("NotImplementedError"))
        }
    }

    var hasExamplesOrTests: Bool {
        code.contains(">>> ") || code.contains("if __name__ == \"__main__\":") || code.contains("if __name__ == '__main__':")
            || code.contains("def test_") || trimmedLines.contains { $0.hasPrefix("assert ") }
    }

    /// What in the code is unfinished: TODO/FIXME, NotImplementedError, bare `pass` or `...` bodies.
    var placeholders: [String] {
        var found: [String] = []
        // Upper case only, as the markers are written: "a todo list" in a docstring is not one.
        if code.contains("TODO") { found.append("TODO") }
        if code.contains("FIXME") { found.append("FIXME") }
        if code.contains("NotImplementedError") { found.append("NotImplementedError") }
        if trimmedLines.contains(where: { $0 == "pass" || $0.hasPrefix("pass  #") || $0.hasPrefix("pass #") }) { found.append("pass body") }
        if trimmedLines.contains("...") { found.append("... body") }
        return found
    }

    /// The honest fallback says it is one; a real solution never returns an "unsupported" record.
    var isStandIn: Bool {
        code.contains("\"status\": \"unsupported\"") || code.contains("NotImplementedError")
    }

    /// `eval(` counts only as a call of its own, not as part of `literal_eval(` or `model.eval(`.
    var dangerousCalls: [String] {
        var found: [String] = []
        for call in ["eval(", "exec("] {
            var searchRange = code.startIndex..<code.endIndex
            while let hit = code.range(of: call, range: searchRange) {
                let before = hit.lowerBound > code.startIndex ? code[code.index(before: hit.lowerBound)] : " "
                if !(before.isLetter || before.isNumber || before == "_" || before == ".") {
                    found.append(call)
                    break
                }
                searchRange = hit.upperBound..<code.endIndex
            }
        }
        return found + ["os.system(", "shell=True", "pickle.loads("].filter { code.contains($0) }
    }
}
