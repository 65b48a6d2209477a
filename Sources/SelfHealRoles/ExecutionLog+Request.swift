import Foundation
import SelfHealCore

/// How long one request took, in milliseconds; a role that was never reached has no time.
struct RequestLatency: Sendable {
    var total: Double
    var worker: Double?
    var evaluator: Double?
}

extension ExecutionLog {
    /// The one place a request's row is built, from what the manager has when it writes it:
    /// the request always; the generation once the worker answered; the evaluation and the
    /// encoded answer once the evaluator did. `failure` is the message of the role that failed
    /// (the worker when there is no generation, else the evaluator); nil for a served request.
    /// Only a served request carries its idempotency key: a retry of a failed one runs again.
    /// The answer's bytes are kept only with a key, for a retry to get exactly them: every
    /// field of the answer is in the row's own columns too, and without them the row of a
    /// typical request is about half as large (fewer pages written per request).
    /// `evaluationJSON`: the evaluation as the answer holds it, when already encoded.
    init(
        requestId: String, request: ClientRequest, idempotency: IdempotencyScope?,
        generation: GenerateResponse?, code: String?, evaluation: Evaluation?, evaluationJSON: Data? = nil, answerJSON: Data?,
        latency: RequestLatency, failure: String?
    ) {
        let status: ExecutionStatus = failure == nil ? .ok : generation == nil ? .workerError : .evaluatorError
        let served = failure == nil && answerJSON != nil
        let replayable = served && idempotency != nil
        self.init(
            requestId: requestId, idempotencyKey: replayable ? idempotency?.storedKey : nil,
            taskType: request.taskType, userInput: request.userInput, language: request.language,
            status: status, error: failure, output: generation?.output, code: code,
            promptId: generation?.prompt.id, promptVersion: generation?.prompt.version,
            ruleScore: evaluation?.ruleScore, judgeScore: evaluation?.judgeScore, finalScore: evaluation?.finalScore,
            passed: evaluation?.passed ?? false,
            evaluationJSON: evaluation.map { String(decoding: evaluationJSON ?? WireJSON.data($0), as: UTF8.self) },
            responseJSON: replayable ? answerJSON.map { String(decoding: $0, as: UTF8.self) } : nil,
            rulesVersion: evaluation?.rulesVersion, latencyTotalMs: latency.total,
            latencyWorkerMs: latency.worker, latencyEvaluatorMs: latency.evaluator,
            llmProvider: generation?.llm.provider, llmModel: generation?.llm.model,
            tokensInput: generation?.tokens.input, tokensOutput: generation?.tokens.output,
            requestFingerprint: replayable ? idempotency?.fingerprint : nil
        )
    }
}
