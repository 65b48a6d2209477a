import SelfHealLua

/// How one prompt did when the optimizer replayed recent inputs through the worker and evaluator.
public struct ReplayScore: Codable, Sendable, Equatable {
    public var promptId: Int64
    public var samples: Int
    public var passed: Int
    /// Mean final score over every sample; a replay that errored counts as 0.
    public var avgScore: Double
    public var errors: Int
    /// Passes among the inputs that failed in production.
    public var failingInputsPassed: Int
    /// Passes among the inputs that passed in production.
    public var passingInputsPassed: Int
    /// The first error a sample hit, if any.
    public var firstError: String?

    public init(
        promptId: Int64, samples: Int, passed: Int, avgScore: Double, errors: Int, failingInputsPassed: Int, passingInputsPassed: Int,
        firstError: String? = nil
    ) {
        self.promptId = promptId
        self.samples = samples
        self.passed = passed
        self.avgScore = avgScore
        self.errors = errors
        self.failingInputsPassed = failingInputsPassed
        self.passingInputsPassed = passingInputsPassed
        self.firstError = firstError
    }

    /// Every sample errored: the replay could not run at all, which says nothing about the prompt.
    var couldNotRun: Bool { samples > 0 && errors == samples }

    enum CodingKeys: String, CodingKey {
        case samples, passed, errors
        case promptId = "prompt_id"
        case avgScore = "avg_score"
        case failingInputsPassed = "failing_inputs_passed"
        case passingInputsPassed = "passing_inputs_passed"
        case firstError = "first_error"
    }

    var lua: LuaTable {
        LuaTable(fields: [
            "prompt_id": .integer(Int(promptId)), "samples": .integer(samples), "passed": .integer(passed),
            "avg_score": .number(avgScore), "errors": .integer(errors),
            "failing_inputs_passed": .integer(failingInputsPassed), "passing_inputs_passed": .integer(passingInputsPassed),
        ])
    }
}
