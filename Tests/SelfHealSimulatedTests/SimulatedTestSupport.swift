import Foundation
import SelfHealCore
import SelfHealLLM
import SelfHealSimulated
import SelfHealTestSupport

/// Prompts at the two ends of the scale the simulated provider must tell apart.
enum Prompts {
    static let vague = SeedPrompts.badCodeGenerationPrompt
    static let thorough = """
    You are a senior Python engineer. Write complete, correct code for the user's request.
    Give every function and class a docstring, and annotate parameters and return values with type hints.
    Validate inputs and raise TypeError or ValueError with a clear message (handle edge cases).
    Include usage examples as doctests and a short __main__ demo. Include unit tests.
    No placeholders or TODO comments.
    """
}

func generate(_ request: String, prompt: String) async throws -> String {
    try await SimulatedProvider().complete(LLMRequest(purpose: .generation, system: prompt, user: request)).text
}

func pythonCode(_ request: String, prompt: String) async throws -> String {
    CodeExtraction.code(from: try await generate(request, prompt: prompt), language: "python")
}

struct PythonRun {
    var exitCode: Int32
    var stdout: String
    var stderr: String
}

/// Runs Python source in an isolated interpreter (`-I`: no user site, no environment).
/// `arguments` go before the file, e.g. ["-m", "doctest"].
func runPython(_ source: String, arguments: [String] = []) async throws -> PythonRun {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("selfheal-llm-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let file = directory.appendingPathComponent("solution.py")
    try source.write(to: file, atomically: true, encoding: .utf8)
    let run = try await runProgram("/usr/bin/env", ["python3", "-I"] + arguments + [file.path], directory: directory)
    return PythonRun(exitCode: run.exitCode, stdout: run.stdoutText, stderr: run.stderrText)
}

/// The feature checks a reader would make on generated code.
extension String {
    var hasDocstring: Bool { contains("\"\"\"") }
    var hasTypeHints: Bool { contains("->") }
    var hasValidation: Bool { contains("raise TypeError") || contains("raise ValueError") || contains("isinstance(") }
    var hasExamples: Bool { contains(">>> ") || contains("if __name__ == \"__main__\":") }
    var hasTests: Bool { contains("def test_") && contains("assert ") }
}
