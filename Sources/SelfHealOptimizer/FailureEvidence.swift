import Foundation
import SelfHealCore
import SelfHealLua

/// One failing execution log, reduced to what the diagnosis plugin needs.
public struct FailureEvidence: Sendable, Equatable {
    /// A rule that scored below 1 on this output.
    public struct RuleMiss: Sendable, Equatable {
        public var name: String
        public var score: Double
        public var reason: String
        public var required: Bool

        public init(name: String, score: Double, reason: String, required: Bool) {
            self.name = name
            self.score = score
            self.reason = reason
            self.required = required
        }
    }

    public var logId: Int64
    public var input: String
    public var finalScore: Double?
    public var verdictReason: String?
    public var ruleMisses: [RuleMiss]
    public var judgeFeedback: String?
    /// The sandbox's stderr tail when the code ran and failed.
    public var testError: String?
    /// The worker's or evaluator's error message, for logs that ended in one.
    public var error: String?

    public init(
        logId: Int64, input: String, finalScore: Double?, verdictReason: String?, ruleMisses: [RuleMiss],
        judgeFeedback: String?, testError: String?, error: String?
    ) {
        self.logId = logId
        self.input = input
        self.finalScore = finalScore
        self.verdictReason = verdictReason
        self.ruleMisses = ruleMisses
        self.judgeFeedback = judgeFeedback
        self.testError = testError
        self.error = error
    }

    /// What a failing log says went wrong, read from its stored evaluation JSON. A log whose
    /// evaluation cannot be read still counts, with only the fields the log itself holds.
    init(log: ExecutionLog) {
        let evaluation = log.evaluationJSON.flatMap { try? JSONDecoder().decode(Evaluation.self, from: Data($0.utf8)) }
        var testError: String?
        if let exec = evaluation?.exec, exec.ran, !exec.passed, !exec.stderrTail.isEmpty {
            testError = exec.stderrTail
        }
        let feedback = evaluation.flatMap { $0.judge.available && !$0.judge.feedback.isEmpty ? $0.judge.feedback : nil }
        self.init(
            logId: log.id ?? 0, input: log.userInput, finalScore: log.finalScore, verdictReason: evaluation?.verdictReason,
            ruleMisses: (evaluation?.rules ?? []).filter { $0.score < 1 }.map {
                RuleMiss(name: $0.name, score: $0.score, reason: $0.reason, required: $0.required)
            },
            judgeFeedback: feedback, testError: testError, error: log.error
        )
    }

    var lua: LuaTable {
        var fields: [String: LuaValue] = [
            "log_id": .integer(Int(logId)), "input": .string(BoundedText.view(input).text),
            "rules": .table(LuaTable(array: ruleMisses.map {
                .table(LuaTable(fields: ["name": .string($0.name), "score": .number($0.score), "reason": .string($0.reason), "required": .boolean($0.required)]))
            })),
        ]
        if let finalScore { fields["final_score"] = .number(finalScore) }
        if let verdictReason { fields["verdict"] = .string(verdictReason) }
        // Texts a model or a user wrote are seen through a bounded view, as the rules see theirs.
        if let judgeFeedback { fields["judge_feedback"] = .string(BoundedText.view(judgeFeedback).text) }
        if let testError { fields["test_error"] = .string(BoundedText.view(testError).text) }
        if let error { fields["error"] = .string(BoundedText.view(error).text) }
        return LuaTable(fields: fields)
    }
}
