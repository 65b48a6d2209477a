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
    /// Whether the job may run in a warm host (where the runner has them); false starts a
    /// fresh interpreter for it (`sandbox.warm_hosts = false` in the live rules).
    public var warmHost = true

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
}
