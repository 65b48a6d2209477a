/// The `sandbox` table of `rules/scoring.lua`: what operators may change about running
/// generated code without a restart. Limits that protect the machine (memory, processes,
/// concurrency) stay with the process's own configuration; a rules edit cannot loosen them.
public struct SandboxSettings: Sendable, Equatable {
    /// How to run and check one language's programs.
    public struct Language: Sendable, Equatable {
        /// Runs a program: the program's file name is appended, e.g. `["python3", "-I"]`.
        public var run: [String]
        /// Compiles without running, for answers that came without tests; the file name is
        /// appended. nil: such answers are not checked.
        public var check: [String]?
        /// The program file's extension, with its dot, e.g. `.py`.
        public var fileExtension: String
        /// The line appended after the tests when an entry point is given; `{entry_point}` is
        /// replaced by its name. nil: nothing is appended.
        public var entryCall: String?

        public init(run: [String], check: [String]? = nil, fileExtension: String, entryCall: String? = nil) {
            self.run = run
            self.check = check
            self.fileExtension = fileExtension
            self.entryCall = entryCall
        }

        public static let python = Language(
            run: ["python3", "-I"],
            check: ["python3", "-I", "-c", "import sys; compile(open(sys.argv[1], encoding='utf-8').read(), sys.argv[1], 'exec')"],
            fileExtension: ".py",
            entryCall: "check({entry_point})"
        )
    }

    /// Wall-clock limit of one run in seconds; nil: the runner's default.
    public var timeoutSeconds: Double?
    /// Task types whose outputs are code to run; others are never executed.
    public var taskTypes: [String]
    /// By language name (lowercase). Replaces the built-in entry of the same name.
    public var languages: [String: Language]

    public static let defaultTaskTypes = ["code_generation", "test_generation"]

    public init(timeoutSeconds: Double? = nil, taskTypes: [String] = SandboxSettings.defaultTaskTypes, languages: [String: Language] = ["python": .python]) {
        self.timeoutSeconds = timeoutSeconds
        self.taskTypes = taskTypes
        self.languages = languages
    }
}
