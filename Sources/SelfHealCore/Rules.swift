public import Foundation

/// What a Lua rule sees as `ctx`.
public struct RuleContext: Sendable, Equatable {
    public var taskType: String
    public var input: String
    public var output: String
    public var code: String
    public var language: String?
    public var tests: String?
    public var exec: ExecResult?

    public init(
        taskType: String, input: String, output: String, code: String,
        language: String? = nil, tests: String? = nil, exec: ExecResult? = nil
    ) {
        self.taskType = taskType
        self.input = input
        self.output = output
        self.code = code
        self.language = language
        self.tests = tests
        self.exec = exec
    }
}

/// The rules' verdict on one output, from one consistent rule set.
public struct RuleSetScore: Sendable, Equatable {
    /// Each applicable rule's result, in load order.
    public var rules: [RuleResult]
    /// Σ weightᵢ·scoreᵢ / Σ weightᵢ over the applicable rules; nil when none applies.
    public var ruleScore: Double?
    /// Names of required rules that scored below 1.
    public var failedRequired: [String]
    /// The combination policy of the same set (scoring.lua).
    public var policy: ScoringPolicy
    /// Content hash of the set that scored.
    public var version: String

    public init(rules: [RuleResult], ruleScore: Double?, failedRequired: [String], policy: ScoringPolicy, version: String) {
        self.rules = rules
        self.ruleScore = ruleScore
        self.failedRequired = failedRequired
        self.policy = policy
        self.version = version
    }
}

/// The live state of a hot-reloaded Lua folder, for `/health`.
public struct ReloadStatus: Codable, Sendable, Equatable {
    public var version: String
    public var loadedAt: Date
    public var lastError: String?
    public var lastErrorAt: Date?
    /// Evaluations running in Lua now, and how many of them have run far past the time their
    /// rules' bounds allow: a stuck evaluator, which `/health` reports as degraded.
    public var inFlight: Int?
    public var stuck: Int?

    public init(version: String, loadedAt: Date, lastError: String? = nil, lastErrorAt: Date? = nil, inFlight: Int? = nil, stuck: Int? = nil) {
        self.inFlight = inFlight
        self.stuck = stuck
        self.version = version
        self.loadedAt = loadedAt
        self.lastError = lastError
        self.lastErrorAt = lastErrorAt
    }

    enum CodingKeys: String, CodingKey {
        case version
        case loadedAt = "loaded_at"
        case lastError = "last_error"
        case lastErrorAt = "last_error_at"
        case inFlight = "in_flight"
        case stuck
    }
}

/// Scores outputs with the live rule set. The Lua engine implements it.
public protocol RuleScoring: Sendable {
    func score(_ context: RuleContext) async -> RuleSetScore
    var status: ReloadStatus { get }
}
