/// One run's result before it is written: what `optimizer_runs` gets.
struct RunOutcome: Sendable {
    var decision: OptimizerDecision
    var trigger: String?
    var promptId: Int64?
    var candidateId: Int64?
    var evidence: [Int64] = []
    var details: RunDetails

    init(_ decision: OptimizerDecision, reason: String, promptId: Int64? = nil) {
        self.decision = decision
        self.promptId = promptId
        self.details = RunDetails(reason: reason)
    }
}
