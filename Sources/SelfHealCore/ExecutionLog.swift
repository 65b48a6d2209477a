public import Foundation

/// How a request ended, as recorded in its execution log.
public enum ExecutionStatus: String, Codable, Sendable {
    case ok
    case workerError = "worker_error"
    case evaluatorError = "evaluator_error"
}

/// One row of `execution_logs`: everything about one served request.
public struct ExecutionLog: Codable, Sendable, Equatable {
    public var id: Int64?
    public var requestId: String
    /// The client's `Idempotency-Key`, scoped to the credential that sent it
    /// (`IdempotencyScope.storedKey`), so two clients' keys never meet.
    public var idempotencyKey: String?
    /// A digest of the request the key was first used with: the same key with another
    /// request is refused, not answered with this row.
    public var requestFingerprint: String?
    public var taskType: String
    public var userInput: String
    public var language: String?
    public var status: ExecutionStatus
    public var error: String?
    public var output: String?
    public var code: String?
    public var promptId: Int64?
    public var promptVersion: Int?
    public var ruleScore: Double?
    public var judgeScore: Double?
    public var finalScore: Double?
    public var passed: Bool
    /// The full evaluation (rule reasons, judge feedback, exec), as JSON.
    public var evaluationJSON: String?
    /// The answer the client got, as JSON, for a request sent with an idempotency key: a retry
    /// gets exactly this. nil without a key (the answer's fields are in the other columns).
    public var responseJSON: String?
    public var rulesVersion: String?
    public var latencyTotalMs: Double
    public var latencyWorkerMs: Double?
    public var latencyEvaluatorMs: Double?
    public var llmProvider: String?
    public var llmModel: String?
    public var tokensInput: Int?
    public var tokensOutput: Int?
    public var createdAt: Date

    public init(
        id: Int64? = nil, requestId: String, idempotencyKey: String? = nil, taskType: String, userInput: String,
        language: String? = nil, status: ExecutionStatus, error: String? = nil, output: String? = nil,
        code: String? = nil, promptId: Int64? = nil, promptVersion: Int? = nil, ruleScore: Double? = nil,
        judgeScore: Double? = nil, finalScore: Double? = nil, passed: Bool = false, evaluationJSON: String? = nil,
        responseJSON: String? = nil, rulesVersion: String? = nil, latencyTotalMs: Double = 0,
        latencyWorkerMs: Double? = nil, latencyEvaluatorMs: Double? = nil, llmProvider: String? = nil,
        llmModel: String? = nil, tokensInput: Int? = nil, tokensOutput: Int? = nil, createdAt: Date = Date(),
        requestFingerprint: String? = nil
    ) {
        self.requestFingerprint = requestFingerprint
        self.id = id
        self.requestId = requestId
        self.idempotencyKey = idempotencyKey
        self.taskType = taskType
        self.userInput = userInput
        self.language = language
        self.status = status
        self.error = error
        self.output = output
        self.code = code
        self.promptId = promptId
        self.promptVersion = promptVersion
        self.ruleScore = ruleScore
        self.judgeScore = judgeScore
        self.finalScore = finalScore
        self.passed = passed
        self.evaluationJSON = evaluationJSON
        self.responseJSON = responseJSON
        self.rulesVersion = rulesVersion
        self.latencyTotalMs = latencyTotalMs
        self.latencyWorkerMs = latencyWorkerMs
        self.latencyEvaluatorMs = latencyEvaluatorMs
        self.llmProvider = llmProvider
        self.llmModel = llmModel
        self.tokensInput = tokensInput
        self.tokensOutput = tokensOutput
        self.createdAt = createdAt
    }
}

/// One row of `optimizer_runs`: a decision the optimizer took, with its evidence.
public struct OptimizerRun: Codable, Sendable, Equatable {
    public var id: Int64?
    public var taskType: String
    /// "promote", "wait", "rollback", "canary", "activate", "reject", "noop", ...
    public var decision: String
    public var trigger: String?
    public var promptId: Int64?
    public var candidateId: Int64?
    public var evidence: [Int64]
    public var details: String?
    public var createdAt: Date

    public init(
        id: Int64? = nil, taskType: String, decision: String, trigger: String? = nil, promptId: Int64? = nil,
        candidateId: Int64? = nil, evidence: [Int64] = [], details: String? = nil, createdAt: Date = Date()
    ) {
        self.id = id
        self.taskType = taskType
        self.decision = decision
        self.trigger = trigger
        self.promptId = promptId
        self.candidateId = candidateId
        self.evidence = evidence
        self.details = details
        self.createdAt = createdAt
    }

    enum CodingKeys: String, CodingKey {
        case id, decision, trigger, evidence, details
        case taskType = "task_type"
        case promptId = "prompt_id"
        case candidateId = "candidate_id"
        case createdAt = "created_at"
    }
}
