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
        /// replaced by its name. nil: nothing is appended. Unused under a harness, which calls
        /// `check` itself.
        public var entryCall: String?
        /// The harness that runs this language's tests and proves they ran to their end. nil:
        /// the code, the tests and the entry call run as one program, and its exit status alone
        /// is the verdict, which the program itself can fake (`sys.exit(0)` before the tests).
        public var harness: Harness?

        public init(run: [String], check: [String]? = nil, fileExtension: String, entryCall: String? = nil, harness: Harness? = nil) {
            self.run = run
            self.check = check
            self.fileExtension = fileExtension
            self.entryCall = entryCall
            self.harness = harness
        }

        public static let python = Language(
            run: ["python3", "-I"],
            check: ["python3", "-I", "-c", "import sys; compile(open(sys.argv[1], encoding='utf-8').read(), sys.argv[1], 'exec')"],
            fileExtension: ".py",
            entryCall: "check({entry_point})",
            harness: .python
        )
    }

    /// Test harnesses selfheal ships.
    public enum Harness: String, Sendable, Equatable, CaseIterable {
        /// Imports the answer as the module `solution` (so a `__main__` guard does not run),
        /// runs the tests in its namespace, calls `check(entry_point)`, and only then writes a
        /// per-run completion record the host checks.
        case python
    }

    /// Wall-clock limit of one run in seconds; nil: the runner's default.
    public var timeoutSeconds: Double?
    /// Wall-clock limit of a smoke run (an answer without tests, compiled and imported).
    public var smokeTimeoutSeconds: Double = 3
    /// What an answer without tests gets: a smoke run (compiled, read for crude defects,
    /// imported, its request's worked examples tried), or with false only a compile-only check
    /// (a warm host answers one that compiles without a fork; faster, and blind to an answer
    /// that compiles but fails on import or on its own examples).
    public var smokeRuns = true
    /// Whether jobs may run in the runner's warm hosts (interpreters started ahead of time,
    /// each job a child forked from one); false starts a fresh interpreter for every job.
    public var warmHosts = true
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
