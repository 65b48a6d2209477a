/// What the evaluator is asked to score.
public struct EvaluateRequest: Codable, Sendable, Equatable {
    public var taskType: String
    public var userInput: String
    public var output: String
    public var language: String?
    public var tests: String?
    public var entryPoint: String?
    /// The manager's request id, for the evaluator's log lines. Between roles it travels in
    /// the `X-Request-Id` header, not in the body.
    public var requestId: String?
    /// The code already extracted from `output`, when the caller has it (the manager in the same
    /// process), so it is extracted once per request; nil: the evaluator extracts it. Never read
    /// from a body: a client cannot score other code than the output it sent.
    public var code: String?

    public init(
        taskType: String, userInput: String, output: String,
        language: String? = nil, tests: String? = nil, entryPoint: String? = nil, requestId: String? = nil,
        code: String? = nil
    ) {
        self.code = code
        self.taskType = taskType
        self.userInput = userInput
        self.output = output
        self.language = language
        self.tests = tests
        self.entryPoint = entryPoint
        self.requestId = requestId
    }

    enum CodingKeys: String, CodingKey {
        case output, language, tests
        case taskType = "task_type"
        case userInput = "user_input"
        case entryPoint = "entry_point"
    }
}

/// One rule's contribution to a score.
public struct RuleResult: Codable, Sendable, Equatable {
    public var name: String
    public var weight: Double
    public var score: Double
    public var reason: String
    public var required: Bool

    public init(name: String, weight: Double, score: Double, reason: String, required: Bool = false) {
        self.name = name
        self.weight = weight
        self.score = score
        self.reason = reason
        self.required = required
    }
}

/// The LLM judge's verdict. `available == false` means no verdict could be had
/// (the judge failed or answered something unparseable); `score` is then nil.
public struct JudgeVerdict: Codable, Sendable, Equatable {
    public var score: Double?
    public var feedback: String
    public var available: Bool
    /// How sure the judge says it is, in [0, 1]; nil when it did not say (full weight). The
    /// judge's weight in the final score is scaled by it, so a judge that cannot tell whether the
    /// code does what was asked moves the verdict less than one that can.
    public var confidence: Double?

    public init(score: Double?, feedback: String, available: Bool, confidence: Double? = nil) {
        self.score = score
        self.feedback = feedback
        self.available = available
        self.confidence = confidence
    }

    /// The fraction of the judge's configured weight this verdict carries.
    public var weightFactor: Double {
        guard let confidence, confidence.isFinite else { return 1 }
        return min(1, max(0, confidence))
    }

    public static func unavailable(_ why: String) -> JudgeVerdict {
        JudgeVerdict(score: nil, feedback: why, available: false)
    }
}

/// The result of running the generated code in a sandbox: against supplied tests, or, when
/// none were supplied, through the language's compile-only check.
public struct ExecResult: Codable, Sendable, Equatable {
    /// What the sandbox ran.
    public enum Kind: String, Codable, Sendable {
        /// The code, then the supplied tests, then `check(entry_point)`.
        case tests
        /// Compile only: no tests were supplied, and the language has no harness for a smoke run.
        case syntax
        /// No tests were supplied: the code was compiled, read for crude defects (a stub, a
        /// loop that cannot end, a function that can end without the value it promises) and
        /// imported, within a short time limit.
        case smoke
        /// A smoke run that also ran the worked examples stated in the request's text as tests.
        case examples
    }

    public var ran: Bool
    public var passed: Bool
    public var timedOut: Bool
    public var exitCode: Int?
    public var durationMs: Double
    public var stderrTail: String
    public var kind: Kind

    public init(ran: Bool, passed: Bool, timedOut: Bool, exitCode: Int?, durationMs: Double, stderrTail: String, kind: Kind = .tests) {
        self.ran = ran
        self.passed = passed
        self.timedOut = timedOut
        self.exitCode = exitCode
        self.durationMs = durationMs
        self.stderrTail = stderrTail
        self.kind = kind
    }

    enum CodingKeys: String, CodingKey {
        case ran, passed, kind
        case timedOut = "timed_out"
        case exitCode = "exit_code"
        case durationMs = "duration_ms"
        case stderrTail = "stderr_tail"
    }

    /// The last line of `stderrTail` that is not blank, without the spaces and control bytes
    /// after it: where Python names the error. Rules read it as `ctx.exec.last_line`. A byte
    /// loop from the end: scanning forward for the last newline would cost a pass per line.
    public var lastLine: String {
        let bytes = Array(stderrTail.utf8)
        var finish = bytes.count
        while finish > 0, bytes[finish - 1] <= 32 { finish -= 1 }
        var start = finish
        while start > 0, bytes[start - 1] != 10 { start -= 1 }
        return String(decoding: bytes[start..<finish], as: UTF8.self)
    }

    /// `lastLine` without a `[sandbox] ` prefix, at most 300 characters: what went wrong, for a
    /// reason a person reads.
    public var lastErrorLine: String {
        let line = lastLine
        let text = line.hasPrefix("[sandbox] ") ? String(line.dropFirst("[sandbox] ".count)) : line
        return text.count > 300 ? String(text.prefix(300)) + "…" : text
    }

    // Execution logs written before `kind` existed hold test runs only.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        ran = try c.decode(Bool.self, forKey: .ran)
        passed = try c.decode(Bool.self, forKey: .passed)
        timedOut = try c.decode(Bool.self, forKey: .timedOut)
        exitCode = try c.decodeIfPresent(Int.self, forKey: .exitCode)
        durationMs = try c.decode(Double.self, forKey: .durationMs)
        stderrTail = try c.decode(String.self, forKey: .stderrTail)
        kind = try c.decodeIfPresent(Kind.self, forKey: .kind) ?? .tests
    }
}

public struct ScoreWeights: Codable, Sendable, Equatable {
    public var rules: Double
    public var judge: Double

    public init(rules: Double, judge: Double) {
        self.rules = rules
        self.judge = judge
    }
}

/// The evaluator's answer to `POST /api/v1/evaluate` (README.md, "API").
public struct Evaluation: Codable, Sendable, Equatable {
    public var ruleScore: Double?
    public var judgeScore: Double?
    public var finalScore: Double
    public var passed: Bool
    public var threshold: Double
    public var weights: ScoreWeights
    public var rules: [RuleResult]
    public var judge: JudgeVerdict
    public var exec: ExecResult?
    public var rulesVersion: String
    /// Required rules that scored below 1 and so failed the verdict outright.
    public var failedRequired: [String]
    /// One sentence saying why the verdict is what it is.
    public var verdictReason: String

    public init(
        ruleScore: Double?, judgeScore: Double?, finalScore: Double, passed: Bool, threshold: Double,
        weights: ScoreWeights, rules: [RuleResult], judge: JudgeVerdict, exec: ExecResult?,
        rulesVersion: String, failedRequired: [String], verdictReason: String
    ) {
        self.ruleScore = ruleScore
        self.judgeScore = judgeScore
        self.finalScore = finalScore
        self.passed = passed
        self.threshold = threshold
        self.weights = weights
        self.rules = rules
        self.judge = judge
        self.exec = exec
        self.rulesVersion = rulesVersion
        self.failedRequired = failedRequired
        self.verdictReason = verdictReason
    }

    enum CodingKeys: String, CodingKey {
        case passed, threshold, weights, rules, judge, exec
        case ruleScore = "rule_score"
        case judgeScore = "judge_score"
        case finalScore = "final_score"
        case rulesVersion = "rules_version"
        case failedRequired = "failed_required"
        case verdictReason = "verdict_reason"
    }

    // `exec` is always present in the JSON (null when no tests ran), as the contract shows.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(ruleScore, forKey: .ruleScore)
        try c.encode(judgeScore, forKey: .judgeScore)
        try c.encode(finalScore, forKey: .finalScore)
        try c.encode(passed, forKey: .passed)
        try c.encode(threshold, forKey: .threshold)
        try c.encode(weights, forKey: .weights)
        try c.encode(rules, forKey: .rules)
        try c.encode(judge, forKey: .judge)
        try c.encode(exec, forKey: .exec)
        try c.encode(rulesVersion, forKey: .rulesVersion)
        try c.encode(failedRequired, forKey: .failedRequired)
        try c.encode(verdictReason, forKey: .verdictReason)
    }
}

/// Scores an output. Implemented in-process (the evaluator) and over HTTP.
public protocol Evaluating: Sendable {
    func evaluate(_ request: EvaluateRequest) async throws -> Evaluation
}

/// Asks an LLM for a verdict on an output. `JudgeVerdict.available == false` when it
/// could not give one: the scoring policy, not the judge, decides what that means.
public protocol Judging: Sendable {
    func judge(taskType: String, userInput: String, output: String) async -> JudgeVerdict
}
