import Foundation
import SelfHealCore
import SelfHealLLM
import SelfHealSimulated
import Testing

@Suite struct PromptRewriteTests {
    let provider = SimulatedProvider()

    func rewritten(_ prompt: String, _ diagnosis: [String]) async throws -> String {
        let request = PromptRewrite.request(currentPrompt: prompt, taskType: TaskTypes.codeGeneration, diagnosis: diagnosis)
        return PromptRewrite.extractPrompt(from: try await provider.complete(request).text)
    }

    @Test func addsOneInstructionPerDiagnosedProblemInAStableOrder() async throws {
        let prompt = try await rewritten(SeedPrompts.badCodeGenerationPrompt, [
            "no usage examples",
            "has_docstring: no docstring",
            "type_hints: no type hints",
            "validation: no input validation or error handling",
            "no_placeholders: placeholder found: TODO",
            "requested_function: the requested function `is_prime` is not defined",
        ])
        let lines = prompt.split(separator: "\n").map(String.init)
        #expect(lines.first == SeedPrompts.badCodeGenerationPrompt)
        #expect(lines.count == 7)
        #expect(lines[1].hasPrefix("Define the function or class with exactly the name"))
        #expect(lines[2].contains("docstring"))
        #expect(lines[3].contains("type hints"))
        #expect(lines[4].hasPrefix("Validate inputs"))
        #expect(lines[5].contains("no placeholders"))
        #expect(lines[6].hasPrefix("Include usage examples"))
    }

    @Test func onlyDiagnosedProblemsGetInstructions() async throws {
        let prompt = try await rewritten(SeedPrompts.codeGeneration, ["no input validation or error handling"])
        #expect(prompt.hasPrefix(SeedPrompts.codeGeneration))
        let added = prompt.dropFirst(SeedPrompts.codeGeneration.count)
        #expect(added.contains("Validate inputs"))
        #expect(!added.contains("docstring"))
        #expect(!added.contains("example"))
    }

    @Test func testFailuresAndDangerousCallsAreAddressed() async throws {
        let prompt = try await rewritten("Write code.", [
            "tests failed: AssertionError: assert fib(10) == 55",
            "no_dangerous_calls: dangerous call: eval",
            "exec: NameError: name 'fib' is not defined",
        ])
        #expect(prompt.contains("Never use eval, exec"))
        #expect(prompt.contains("returns correct results"))
        #expect(prompt.contains("exactly the name the user asks for"))
    }

    @Test func testGenerationAndReviewGetInstructionsOfTheirOwn() async throws {
        let testRequest = PromptRewrite.request(currentPrompt: SeedPrompts.testGeneration, taskType: TaskTypes.testGeneration,
                                                diagnosis: ["tests_cover_edge_cases: only happy-path tests"])
        let tests = try await provider.complete(testRequest).text
        #expect(tests.contains("pytest.raises"))
        #expect(!tests.contains("Validate inputs"), "a code instruction does not belong in a test prompt")
        let reviewRequest = PromptRewrite.request(currentPrompt: "Review code.", taskType: TaskTypes.codeReview,
                                                  diagnosis: ["issues carry no severity", "review_suggests_fixes: no suggested fixes"])
        let review = try await provider.complete(reviewRequest).text
        #expect(review == "Review code.\nGive each finding a severity: high, medium or low.\nFor each finding, suggest a concrete fix: say what to use instead.")
    }

    @Test func shippedRuleReasonsAreRecognised() async throws {
        let prompt = try await rewritten("Write code.", [
            "handles_invalid_input: raises errors but shows no explicit input check",
            "no_placeholders: unfinished: raise NotImplementedError",
            "defines_requested_function: the request asks for `is_prime` but the code defines check",
            "sane_length: 420 lines: far too long for one answer",
            "tests_pass: supplied tests fail (exit 1): AssertionError",
        ])
        #expect(prompt.split(separator: "\n").count == 6)
    }

    @Test func isDeterministicAndIdempotent() async throws {
        let diagnosis = ["missing docstrings", "no type hints", "no usage examples"]
        let once = try await rewritten(SeedPrompts.badCodeGenerationPrompt, diagnosis)
        #expect(try await rewritten(SeedPrompts.badCodeGenerationPrompt, diagnosis) == once)
        #expect(try await rewritten(once, diagnosis) == once, "a fixed prompt gets nothing new")
        #expect(try await rewritten(once, diagnosis.reversed()) == once, "order of evidence does not matter")
        let more = try await rewritten(once, ["no input validation or error handling"])
        #expect(more.hasPrefix(once))
        #expect(more.split(separator: "\n").count == once.split(separator: "\n").count + 1)
    }

    @Test func emptyDiagnosisKeepsThePrompt() async throws {
        #expect(try await rewritten(SeedPrompts.codeGeneration, []) == SeedPrompts.codeGeneration.trimmingCharacters(in: .whitespacesAndNewlines))
    }
}
