import SelfHealLua

/// How one prompt version did over a window of execution logs: what the canary, regression
/// and trigger plugins reason about. Computed from logs, so every store gives the same numbers.
public struct VersionStats: Codable, Sendable, Equatable {
    public var promptId: Int64
    public var version: Int
    /// Logs that named this version, errors included.
    public var samples: Int
    /// Logs the evaluator scored (status ok).
    public var evaluated: Int
    public var passed: Int
    public var failed: Int
    /// Worker or evaluator errors: not the prompt's verdict, reported so a plugin may weigh them.
    public var errors: Int
    /// passed / evaluated; 0 when nothing was evaluated.
    public var passRate: Double
    /// Mean final score of the scored logs; nil when none.
    public var avgScore: Double?

    public init(promptId: Int64, version: Int, samples: Int, evaluated: Int, passed: Int, failed: Int, errors: Int, passRate: Double, avgScore: Double?) {
        self.promptId = promptId
        self.version = version
        self.samples = samples
        self.evaluated = evaluated
        self.passed = passed
        self.failed = failed
        self.errors = errors
        self.passRate = passRate
        self.avgScore = avgScore
    }

    /// A version that served nothing in the window.
    static func empty(promptId: Int64, version: Int) -> VersionStats {
        VersionStats(promptId: promptId, version: version, samples: 0, evaluated: 0, passed: 0, failed: 0, errors: 0, passRate: 0, avgScore: nil)
    }

    enum CodingKeys: String, CodingKey {
        case version, samples, evaluated, passed, failed, errors
        case promptId = "prompt_id"
        case passRate = "pass_rate"
        case avgScore = "avg_score"
    }

    /// The plain Lua table plugins receive; `avg_score` is absent (nil) when unknown.
    var lua: LuaTable {
        var fields: [String: LuaValue] = [
            "prompt_id": .integer(Int(promptId)), "version": .integer(version), "samples": .integer(samples),
            "evaluated": .integer(evaluated), "passed": .integer(passed), "failed": .integer(failed),
            "errors": .integer(errors), "pass_rate": .number(passRate),
        ]
        if let avgScore { fields["avg_score"] = .number(avgScore) }
        return LuaTable(fields: fields)
    }
}
