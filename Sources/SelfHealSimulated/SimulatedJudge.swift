import Foundation
import SelfHealCore
import SelfHealLLM

/// The simulated judge: grades a candidate with fixed, visible checks and answers in the same JSON
/// a real judge must give. Its feedback names what is missing in words the rewriter recognises, so
/// in simulated mode the judge's evidence drives the optimizer exactly as a real judge's would.
enum SimulatedJudge {
    struct Check {
        var weight: Double
        var credit: Double
        var problem: String?
        /// The answer does not do what was asked; the score is capped whatever else is right.
        var isDisqualifying = false
        /// The check could not be made: the judge does not know, and says so in its confidence.
        var isGuess = false
    }

    /// The confidence stated when a check had to be guessed: the score then weighs half as much.
    static let unsureConfidence = 0.5

    static let disqualifiedCeiling = 0.4

    /// A simulated reviewer is never certain: the best answer scores 0.93, not 1.0.
    static let ceiling = 0.93

    static func answer(judgeMessage: String) -> String {
        let parsed = JudgePrompt.parse(judgeMessage)
        let taskType = parsed?.taskType ?? TaskTypes.codeGeneration
        let request = parsed?.request ?? ""
        let candidate = parsed?.candidate ?? judgeMessage
        let checks: [Check]
        switch taskType {
        case TaskTypes.testGeneration: checks = testGenerationChecks(request: request, candidate: candidate)
        case TaskTypes.codeReview: checks = codeReviewChecks(candidate: candidate)
        default: checks = codeGenerationChecks(request: request, candidate: candidate)
        }
        let total = checks.reduce(0) { $0 + $1.weight }
        let earned = checks.reduce(0) { $0 + $1.weight * $1.credit }
        var score = (total > 0 ? earned / total : 0) * ceiling
        // Polish cannot make up for not doing the task: a stand-in or a missing function stays low.
        if checks.contains(where: \.isDisqualifying) { score = min(score, disqualifiedCeiling) }
        let problems = checks.compactMap(\.problem)
        let feedback = problems.isEmpty ? "meets the rubric" : problems.joined(separator: "; ")
        let confidence = checks.contains(where: \.isGuess) ? unsureConfidence : 1
        return "{\"score\": \(String(format: "%.2f", score)), \"feedback\": \(jsonString(feedback)), \"confidence\": \(confidence)}"
    }

    // MARK: - code_generation

    static func codeGenerationChecks(request: String, candidate: String) -> [Check] {
        let code = CodeExtraction.code(from: candidate, language: "python")
        let features = CodeFeatures(code)
        guard features.hasDefinitions else {
            return [Check(weight: 1, credit: 0.1, problem: "no code: the answer defines no function or class")]
        }
        var checks: [Check] = []

        // Only a name the request states beyond doubt: a judge that cannot tell says nothing, and
        // its score weighs less (`isGuess`): it cannot see whether the code answers the request.
        let name = CodeRequest.explicitName(in: request)
        if let name, !features.defines(name) {
            checks.append(Check(weight: 0.22, credit: 0, problem: "the requested function `\(name)` is not defined", isDisqualifying: true))
        } else if features.isStandIn {
            checks.append(Check(weight: 0.22, credit: 0.2, problem: "does not implement the request: the code is only a stand-in", isDisqualifying: true))
        } else {
            checks.append(Check(weight: 0.22, credit: 1, problem: nil, isGuess: name == nil))
        }
        checks.append(Check(weight: 0.18, credit: features.hasDocstring ? 1 : 0, problem: features.hasDocstring ? nil : "missing docstrings"))
        checks.append(Check(weight: 0.14, credit: features.hasTypeHints ? 1 : 0, problem: features.hasTypeHints ? nil : "no type hints"))
        checks.append(Check(weight: 0.20, credit: features.hasValidation ? 1 : 0,
                            problem: features.hasValidation ? nil : "no input validation or error handling"))
        checks.append(Check(weight: 0.08, credit: features.placeholders.isEmpty ? 1 : 0,
                            problem: features.placeholders.isEmpty ? nil : "contains placeholders (\(features.placeholders.joined(separator: ", ")))"))
        if features.hasExamplesOrTests {
            checks.append(Check(weight: 0.13, credit: 1, problem: nil))
        } else if PromptInstructions.requestWantsExamplesOrTests(request) {
            checks.append(Check(weight: 0.13, credit: 0, problem: "the request asks for examples or tests but none are given"))
        } else {
            checks.append(Check(weight: 0.13, credit: 0.3, problem: "no usage examples"))
        }
        let plausible = (2...400).contains(features.codeLines)
        checks.append(Check(weight: 0.05, credit: plausible ? 1 : 0.3, problem: plausible ? nil : "implausible length for the task"))
        if let call = features.dangerousCalls.first {
            checks.append(Check(weight: 0.30, credit: 0, problem: "uses a dangerous call: \(call)", isDisqualifying: true))
        }
        return checks
    }

    // MARK: - test_generation and code_review

    static func testGenerationChecks(request: String, candidate: String) -> [Check] {
        let code = CodeExtraction.code(from: candidate, language: "python")
        let features = CodeFeatures(code)
        let testCount = code.components(separatedBy: "def test_").count - 1
        let assertCount = code.components(separatedBy: "assert ").count - 1 + code.components(separatedBy: "pytest.raises").count - 1
        return [
            Check(weight: 0.35, credit: testCount > 0 ? 1 : 0, problem: testCount > 0 ? nil : "no test functions (def test_...)"),
            Check(weight: 0.20, credit: min(1, Double(assertCount) / 3), problem: assertCount >= 3 ? nil : "too few assertions"),
            Check(weight: 0.20, credit: code.contains("pytest.raises") ? 1 : 0, problem: code.contains("pytest.raises") ? nil : "no edge case or invalid input tests"),
            Check(weight: 0.15, credit: features.hasDocstring ? 1 : 0, problem: features.hasDocstring ? nil : "missing docstrings on tests"),
            Check(weight: 0.10, credit: features.placeholders.isEmpty ? 1 : 0, problem: features.placeholders.isEmpty ? nil : "contains placeholders"),
        ]
    }

    static func codeReviewChecks(candidate: String) -> [Check] {
        let text = candidate.lowercased()
        let hasIssues = text.contains("issue")
        let hasSeverity = text.contains("severity")
        let hasSuggestions = text.contains("suggestion") || text.contains("recommend")
        return [
            Check(weight: 0.4, credit: hasIssues ? 1 : 0, problem: hasIssues ? nil : "no list of issues"),
            Check(weight: 0.3, credit: hasSeverity ? 1 : 0, problem: hasSeverity ? nil : "issues carry no severity"),
            Check(weight: 0.3, credit: hasSuggestions ? 1 : 0, problem: hasSuggestions ? nil : "no suggestions or fixes"),
        ]
    }

    static func jsonString(_ text: String) -> String {
        let data = (try? JSONEncoder().encode(text)) ?? Data("\"\"".utf8)
        return String(decoding: data, as: UTF8.self)
    }
}
