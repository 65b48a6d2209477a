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
    /// What the run is: the tests; without tests, a smoke run (compile, read for crude defects,
    /// import: needs the language's harness, else it is a compile-only check) or a compile-only
    /// check.
    public var kind: ExecResult.Kind
    /// The request's text, whose worked examples a smoke run checks the answer against; at
    /// most `requestTextLimit` bytes of it are handed to the run.
    public var requestText: String?
    public static let requestTextLimit = 100_000

    public init(
        code: String, tests: String? = nil, entryPoint: String? = nil, language: String = "python",
        languageOverrides: [String: SandboxSettings.Language] = [:], timeoutSeconds: Double? = nil, smoke: Bool = false,
        requestText: String? = nil
    ) {
        self.requestText = requestText
        self.code = code
        self.tests = tests
        self.entryPoint = entryPoint
        self.language = language
        self.languageOverrides = languageOverrides
        self.timeoutSeconds = timeoutSeconds
        kind = tests != nil ? .tests : smoke ? .smoke : .syntax
    }

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
        if kind == .smoke, language.harness == .python {
            var files = [
                (name: PythonHarness.answerFile, contents: code), (name: PythonHarness.nonceFile, contents: nonce),
                (name: PythonHarness.mainFile, contents: PythonHarness.program(entryPoint: entryPoint, smoke: true)),
            ]
            if let requestText, !requestText.isEmpty {
                let bounded = requestText.utf8.count <= Self.requestTextLimit
                    ? requestText : String(decoding: requestText.utf8.prefix(Self.requestTextLimit), as: UTF8.self)
                files.append((name: PythonHarness.requestFile, contents: bounded))
            }
            return (files, PythonHarness.mainFile)
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
