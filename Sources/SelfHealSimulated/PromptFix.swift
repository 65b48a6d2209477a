import Foundation
import SelfHealCore
import SelfHealLLM

/// One kind of problem the optimizer's evidence can show, and the instruction that fixes it.
/// The simulated rewrite applies these in catalogue order, so the same diagnosis always gives the
/// same prompt. Each instruction uses words `PromptInstructions` reacts to, so the simulated
/// model actually changes its output once the instruction is in the prompt.
///
/// A failed shipped rule reaches the diagnosis as `name: reason` (plugins/diagnosis.lua) and is
/// matched by its **name** only (`rules`), so rewording a rule's reason changes nothing here; a
/// test checks that every rule in rules/ is named. Everything else (the judge's feedback, the
/// sandbox's errors, an operator's own rules) is matched by its words (`triggers`).
struct PromptFix: Sendable {
    /// The shipped rules whose failure calls for this fix.
    var rules: Set<String> = []
    /// Diagnosis phrases (whole words, `*` = any ending) that call for this fix.
    var triggers: [String]
    var instruction: String
    /// The task types the instruction makes sense for; nil for all.
    var taskTypes: Set<String>? = nil

    private static let code: Set<String> = [TaskTypes.codeGeneration]
    private static let tests: Set<String> = [TaskTypes.testGeneration]
    private static let review: Set<String> = [TaskTypes.codeReview]

    static let catalogue: [PromptFix] = [
        PromptFix(
            rules: ["defines_requested_function"],
            triggers: ["not defined", "requested function", "function name", "code defines", "nameerror", "attributeerror",
                       "importerror", "entry point", "entry_point", "missing function", "undefined"],
            instruction: "Define the function or class with exactly the name the user asks for, at module level, so callers can import it by that name."
        ),
        PromptFix(
            rules: ["has_docstring"],
            triggers: ["docstring*", "document*", "undocumented"],
            instruction: "Give every function, class and method a docstring stating its purpose, its arguments and its return value."
        ),
        PromptFix(
            rules: ["has_type_hints"],
            triggers: ["type hint*", "type annotation*", "annotation*", "typed", "untyped", "typing"],
            instruction: "Annotate every parameter and every return value with Python type hints."
        ),
        PromptFix(
            rules: ["handles_invalid_input"],
            triggers: ["validat*", "error handling", "exception*", "edge case*", "valueerror", "typeerror", "invalid input*",
                       "robust*", "unchecked", "input check*", "checks input", "clear error"],
            instruction: "Validate inputs at the start of each function: check types with isinstance and raise TypeError or ValueError with a clear message; handle edge cases such as empty input, zero and negative numbers.",
            taskTypes: code
        ),
        PromptFix(
            rules: ["no_placeholders"],
            triggers: ["placeholder*", "todo*", "fixme", "stub*", "unimplemented", "not implemented", "notimplementederror",
                       "incomplete", "stand in", "pass body", "unfinished"],
            instruction: "Write the complete implementation: no placeholders, no TODO comments and no `pass` or `...` bodies."
        ),
        PromptFix(
            rules: ["examples_when_asked"],
            triggers: ["example*", "usage", "doctest*", "demo*"],
            instruction: "Include usage examples: doctest lines (>>>) in the docstring and a short demo under `if __name__ == \"__main__\":`.",
            taskTypes: code
        ),
        PromptFix(
            rules: ["examples_when_asked"],
            triggers: ["no tests", "missing tests", "without tests", "or tests", "tests but", "unit test*", "test function*"],
            instruction: "Include a test function named test_<function> with assert statements covering normal and invalid input.",
            taskTypes: code
        ),
        PromptFix(
            rules: ["tests_cover_edge_cases"],
            triggers: ["happy path", "edge case*", "error case*", "invalid input*", "pytest raises"],
            instruction: "Cover edge cases: test invalid input with pytest.raises, and empty, zero and negative values.",
            taskTypes: tests
        ),
        PromptFix(
            rules: ["tests_present", "tests_have_assertions"],
            triggers: ["no tests", "test functions", "collect", "assertion*", "asserts"],
            instruction: "Write test functions named test_<behaviour> that pytest collects, each with assert statements on concrete expected values.",
            taskTypes: tests
        ),
        PromptFix(
            rules: ["review_has_findings"],
            triggers: ["findings", "list of issues", "no issues", "general impression"],
            instruction: "List every finding as a numbered item.",
            taskTypes: review
        ),
        PromptFix(
            triggers: ["severity"],
            instruction: "Give each finding a severity: high, medium or low.",
            taskTypes: review
        ),
        PromptFix(
            rules: ["review_references_code"],
            triggers: ["does not refer", "line number*", "reviewed code"],
            instruction: "Refer to the reviewed code by function name and line number.",
            taskTypes: review
        ),
        PromptFix(
            rules: ["review_suggests_fixes"],
            triggers: ["suggest*", "fixes", "no suggested", "recommend*"],
            instruction: "For each finding, suggest a concrete fix: say what to use instead.",
            taskTypes: review
        ),
        PromptFix(
            rules: ["no_dangerous_calls"],
            triggers: ["dangerous", "unsafe", "insecure", "eval", "os system", "shell true", "pickle loads"],
            instruction: "Never use eval, exec, os.system, subprocess with shell=True or pickle.loads."
        ),
        PromptFix(
            rules: ["tests_pass", "syntax_valid", "smoke_run"],
            triggers: ["assertionerror", "wrong result*", "incorrect", "traceback", "syntaxerror", "timed out", "timeout",
                       "tests fail", "tests failed", "test failed", "failing test*", "exit code"],
            instruction: "Make sure the code runs without errors and returns correct results; trace the logic by hand on a few inputs before answering."
        ),
        PromptFix(
            rules: ["sane_length", "code_present"],
            triggers: ["too long", "too short", "longer than needed", "120 characters", "implausible length", "no code",
                       "missing code", "looks like code", "code block", "empty answer"],
            instruction: "Answer with one short sentence followed by one complete ```python code block of sensible length.",
            taskTypes: code.union(tests)
        ),
    ]

    /// Every rule name the catalogue keys on.
    static let ruleNames: Set<String> = catalogue.reduce(into: []) { $0.formUnion($1.rules) }

    /// The fixes a diagnosis calls for, in catalogue order, each at most once.
    static func fixes(for diagnosis: [String], taskType: String) -> [PromptFix] {
        var failedRules: Set<String> = []
        var text: [String] = []
        for line in diagnosis {
            if let rule = ruleName(of: line), ruleNames.contains(rule) {
                failedRules.insert(rule)
            } else {
                text.append(line)
            }
        }
        let words = text.joined(separator: "\n")
        return catalogue.filter { fix in
            (fix.taskTypes?.contains(taskType) ?? true)
                && (!fix.rules.isDisjoint(with: failedRules) || TextMatching.containsAny(words, fix.triggers))
        }
    }

    /// `has_docstring` of a `has_docstring: no docstring` line: a rule's name, then `: `.
    static func ruleName(of line: String) -> String? {
        guard let colon = line.range(of: ": ") else { return nil }
        let name = line[..<colon.lowerBound]
        guard !name.isEmpty, name.allSatisfy({ $0 == "_" || ($0.isASCII && ($0.isLowercase || $0.isNumber)) }) else { return nil }
        return String(name)
    }
}
