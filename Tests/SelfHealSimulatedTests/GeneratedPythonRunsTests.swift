import Foundation
import SelfHealCore
import SelfHealLLM
import SelfHealSimulated
import Testing

/// The simulated provider's code is only useful to the loop if it is real, runnable Python:
/// these run it, its doctests and its own tests in an isolated interpreter.
@Suite struct GeneratedPythonRunsTests {
    static let requests = [
        "Write a fibonacci function",
        "Write a function to compute the factorial of n",
        "Write a function called is_prime",
        "List all primes up to n with a sieve",
        "Check whether a string is a palindrome",
        "Implement quick sort",
        "Implement merge sort",
        "Sort a list with bubble sort",
        "Implement insertion sort",
        "Write a binary search",
        "Find the index of an item with linear search",
        "Reverse a string",
        "Count the vowels in a string",
        "Count word frequency in a text",
        "Capitalize every word of a sentence",
        "Flatten a nested list",
        "Remove duplicates from a list",
        "Split a list into chunks of size n",
        "Find the maximum of a list of numbers",
        "Find the smallest number in a list",
        "Compute the average of a list",
        "Sum a list of numbers",
        "Compute the gcd of two numbers",
        "Write FizzBuzz",
        "Implement a Stack class",
        "Implement a Queue class",
        "Write a BankAccount class with deposit and withdraw",
        "Implement a linked list",
        "Write a REST API handler for items",
        "Implement an LRU cache",
        "Check if two words are anagrams",
        "Convert celsius to fahrenheit",
        "Merge two sorted lists",
        "Design a distributed rate limiter",
        "Build a todo app backend with \"quotes\" and a \\ backslash",
    ]

    @Test(arguments: requests)
    func thoroughAnswerRunsAndItsDoctestsPass(request: String) async throws {
        let code = try await pythonCode(request, prompt: Prompts.thorough)
        #expect(code.contains(">>> "), "examples were asked for")
        let run = try await runPython(code)
        #expect(run.exitCode == 0, "\(request): \(run.stderr)")
        #expect(run.stdout.contains("all tests passed"), "\(request): the generated tests ran")
        let doctest = try await runPython(code, arguments: ["-m", "doctest"])
        #expect(doctest.exitCode == 0, "\(request): \(doctest.stdout)\(doctest.stderr)")
    }

    @Test(arguments: requests)
    func bareAnswerRuns(request: String) async throws {
        let code = try await pythonCode(request, prompt: Prompts.vague)
        let run = try await runPython(code)
        #expect(run.exitCode == 0, "\(request): \(run.stderr)")
    }

    @Test func examplesPrintTheDocumentedValues() async throws {
        let code = try await pythonCode("Write a fibonacci function", prompt: "Write code. Include a usage example.")
        let run = try await runPython(code)
        #expect(run.exitCode == 0)
        #expect(run.stdout == "0\n1\n55\n")
    }

    @Test func validationRejectsBadInputAtRunTime() async throws {
        let code = try await pythonCode("Write a function named fact that computes factorials", prompt: "Write code and validate the input.")
        let run = try await runPython(code + "\nfact(-1)\n")
        #expect(run.exitCode != 0)
        #expect(run.stderr.contains("ValueError: n must be non-negative"))
    }
}
