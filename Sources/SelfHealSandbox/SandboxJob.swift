import SelfHealCore

/// One program to run: generated code and, optionally, the tests it must pass.
public struct SandboxJob: Sendable, Equatable {
    /// The extracted code of the answer.
    public var code: String
    /// Test code (HumanEval style: defines `check(candidate)`); nil runs the syntax check.
    public var tests: String?
    /// The function `check` is called with; nil when the tests call what they need.
    public var entryPoint: String?
    /// Language name, lowercase (`python`).
    public var language: String
    /// Commands from the live `rules/scoring.lua`, overriding the runner's of the same name.
    public var languageOverrides: [String: SandboxSettings.Language]
    /// Wall-clock limit from the live rules; nil: the runner's configured timeout.
    public var timeoutSeconds: Double?

    public init(
        code: String, tests: String? = nil, entryPoint: String? = nil, language: String = "python",
        languageOverrides: [String: SandboxSettings.Language] = [:], timeoutSeconds: Double? = nil
    ) {
        self.code = code
        self.tests = tests
        self.entryPoint = entryPoint
        self.language = language
        self.languageOverrides = languageOverrides
        self.timeoutSeconds = timeoutSeconds
    }

    public var kind: ExecResult.Kind { tests == nil ? .syntax : .tests }

    /// The files of the run and the one to start: under the Python harness the answer, the
    /// tests, the nonce and the harness; otherwise one program of the code, the tests and the
    /// entry call.
    func files(for language: SandboxSettings.Language, nonce: String) -> (files: [(name: String, contents: String)], main: String) {
        if let tests, language.harness == .python {
            return ([
                (PythonHarness.answerFile, code), (PythonHarness.testsFile, tests), (PythonHarness.nonceFile, nonce),
                (PythonHarness.mainFile, PythonHarness.program(entryPoint: entryPoint)),
            ], PythonHarness.mainFile)
        }
        let main = "main" + language.fileExtension
        return ([(main, program(for: language))], main)
    }

    /// The file the sandbox runs without a harness: the code, then the tests, then the entry call.
    func program(for language: SandboxSettings.Language) -> String {
        guard let tests else { return code }
        var program = code + "\n\n\n" + tests + "\n"
        if let entryPoint, let call = language.entryCall {
            program += "\n\n" + call.replacingOccurrences(of: "{entry_point}", with: entryPoint) + "\n"
        }
        return program
    }
}
