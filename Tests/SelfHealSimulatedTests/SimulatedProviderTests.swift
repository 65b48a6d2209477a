import SelfHealCore
import SelfHealLLM
import SelfHealSimulated
import Testing

@Suite struct SimulatedProviderTests {
    @Test func identifiesItselfAsSimulated() {
        let provider = SimulatedProvider()
        #expect(provider.name == "simulated")
        #expect(provider.model == "simulated-1")
    }

    @Test func sameRequestGivesTheSameAnswerAndTokenCounts() async throws {
        let provider = SimulatedProvider()
        let request = LLMRequest(purpose: .generation, system: Prompts.thorough, user: "Write a function to check if a string is a palindrome")
        let first = try await provider.complete(request)
        let second = try await provider.complete(request)
        #expect(first == second)
        #expect(first.tokens.output > 0)
        #expect(first.tokens.input >= (Prompts.thorough.count + request.user.count) / 4)
    }

    @Test func vaguePromptGivesBareCode() async throws {
        let code = try await pythonCode("Write a fibonacci function", prompt: Prompts.vague)
        #expect(code.contains("def fibonacci(n):"))
        #expect(!code.hasDocstring)
        #expect(!code.hasTypeHints)
        #expect(!code.hasValidation)
        #expect(!code.hasExamples)
        #expect(!code.hasTests)
    }

    @Test func thoroughPromptGivesEverythingItAsksFor() async throws {
        let code = try await pythonCode("Write a fibonacci function", prompt: Prompts.thorough)
        #expect(code.contains("def fibonacci(n: int) -> int:"))
        #expect(code.hasDocstring)
        #expect(code.contains("raise ValueError"))
        #expect(code.contains("raise TypeError"))
        #expect(code.contains(">>> fibonacci(10)"))
        #expect(code.hasTests)
        #expect(!code.uppercased().contains("TODO"))
    }

    @Test(arguments: [
        ("Please document your functions with docstrings.", "docstring"),
        ("Use type annotations everywhere.", "types"),
        ("Handle errors: check the input and raise exceptions.", "validation"),
        ("Show a usage example.", "examples"),
    ])
    func eachInstructionSwitchesOnOnlyItsFeature(prompt: String, feature: String) async throws {
        let code = try await pythonCode("Write a factorial function", prompt: prompt)
        #expect(code.hasDocstring == (feature == "docstring"))
        #expect(code.hasTypeHints == (feature == "types"))
        #expect(code.hasValidation == (feature == "validation"))
        #expect(code.hasExamples == (feature == "examples"))
    }

    @Test func negatedInstructionsAreNotFollowed() async throws {
        let code = try await pythonCode("Write a factorial function", prompt: "Write Python. Do not add type hints. No docstrings.")
        #expect(!code.hasTypeHints)
        #expect(!code.hasDocstring)
    }

    @Test func conditionalTestInstructionDependsOnTheRequest() async throws {
        let prompt = "Write Python. When the user asks for tests, include unit tests."
        #expect(try await !pythonCode("Write a factorial function", prompt: prompt).hasTests)
        #expect(try await pythonCode("Write a factorial function with unit tests", prompt: prompt).hasTests)
    }

    @Test(arguments: [
        ("Write a function called `is_prime` that checks primality", "def is_prime("),
        ("Write a fibonacci function named fib_fast", "def fib_fast("),
        ("Implement function reverse_words(text) that reverses a string", "def reverse_words("),
        ("Write a function `dedupe_items(xs)` that removes duplicates from a list", "def dedupe_items("),
        ("Create a stack class called MyStack", "class MyStack"),
        ("Write a function that checks whether a number is prime", "def is_prime("),
        ("Sort a list with bubble sort", "def bubble_sort("),
    ])
    func honoursTheRequestedName(request: String, expected: String) async throws {
        let code = try await pythonCode(request, prompt: Prompts.thorough)
        #expect(code.contains(expected))
    }

    @Test func vaguePromptLeavesATodoInAnUnknownRequestAndAThoroughOneDoesNot() async throws {
        let request = "Design a distributed rate limiter for a payment gateway"
        let vague = try await pythonCode(request, prompt: Prompts.vague)
        let thorough = try await pythonCode(request, prompt: Prompts.thorough)
        #expect(vague.contains("# TODO"))
        #expect(!thorough.uppercased().contains("TODO"))
        #expect(thorough.contains("def distributed_rate_limiter("))
    }

    @Test func answersAsASentenceAndAPythonFence() async throws {
        let output = try await generate("Write a function to count vowels", prompt: Prompts.vague)
        #expect(output.hasPrefix("Here is"))
        #expect(output.contains("\n```python\n"))
        #expect(output.hasSuffix("```\n"))
    }

    @Test func saysSoWhenAskedForAnotherLanguage() async throws {
        let output = try await generate("Write a factorial function", prompt: Prompts.vague + "\nLanguage: javascript")
        #expect(output.contains("only writes Python"))
    }

    @Test func testGenerationPromptGivesPytestTests() async throws {
        let prompt = SeedPrompts.testGeneration + "\nCover edge cases and invalid input."
        let output = try await generate("Write tests for a function is_prime(n)", prompt: prompt)
        let code = CodeExtraction.code(from: output, language: "python")
        #expect(code.contains("def test_is_prime_known_values():"))
        #expect(code.contains("assert is_prime(97) is True"))
        #expect(code.contains("with pytest.raises(TypeError):"))
    }

    @Test func generatedTestsPassAgainstTheGeneratedCode() async throws {
        let implementation = try await pythonCode("Write a function called is_prime", prompt: Prompts.thorough)
        let tests = CodeExtraction.code(from: try await generate("Write tests for is_prime", prompt: SeedPrompts.testGeneration), language: "python")
        #expect(!tests.contains("pytest.raises"))
        let run = try await runPython(implementation + "\n\n" + tests + "\n\ntest_is_prime_known_values()\n")
        #expect(run.exitCode == 0, "\(run.stderr)")
    }

    @Test func reviewPromptGivesAStructuredReview() async throws {
        let request = """
        Review this code:
        ```python
        def run(cmd, cache=[]):
            result = eval(cmd)
            if result == None:
                return 0
            return result
        ```
        """
        let output = try await generate(request, prompt: SeedPrompts.codeReview)
        #expect(output.contains("## Issues"))
        #expect(output.contains("[severity: high] line 2: `eval(`"))
        #expect(output.contains("mutable default argument"))
        #expect(output.contains("## Suggestions"))
    }
}

@Suite struct FollowingARewrittenTestPromptTests {
    @Test func edgeCaseInstructionAddsInvalidInputTests() async throws {
        let request = "Write tests for fibonacci"
        let before = try await generate(request, prompt: SeedPrompts.testGeneration)
        let prompt = SimulatedRewrite.rewrite(currentPrompt: SeedPrompts.testGeneration, taskType: TaskTypes.testGeneration,
                                           diagnosis: ["only happy-path tests"])
        let after = try await generate(request, prompt: prompt)
        #expect(!before.contains("pytest.raises"))
        #expect(after.contains("with pytest.raises(ValueError):\n        fibonacci(-1)"))
    }
}

@Suite struct CleanCodeReviewTests {
    @Test func cleanCodeStillGetsALocatedNoteWithASuggestion() async throws {
        let request = """
        Review this:
        ```python
        def add(a: int, b: int) -> int:
            \"\"\"Add two integers.\"\"\"
            if not isinstance(a, int) or not isinstance(b, int):
                raise TypeError("a and b must be integers")
            return a + b
        ```
        """
        let output = try await generate(request, prompt: SeedPrompts.codeReview)
        #expect(output.contains("1. [severity: low] line 1: `add` looks correct"))
        #expect(output.contains("- Consider adding unit tests for `add`"))
    }
}
