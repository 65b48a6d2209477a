import Foundation
import Logging
import SelfHealCore

/// The manager role: refines the request, calls the worker then the evaluator, records
/// the execution log, answers. A failure of either role is logged too, never lost.
public struct Manager: Sendable {
    let generator: any Generating
    let evaluator: any Evaluating
    /// The store the manager logs to; the prompt admin routes work on the same one.
    public let store: any Store
    let logger: Logger

    public init(generator: any Generating, evaluator: any Evaluating, store: any Store, logger: Logger) {
        self.generator = generator
        self.evaluator = evaluator
        self.store = store
        self.logger = logger
    }

    /// The answer as JSON, and whether it is a replay of an earlier request with the same key.
    public struct Reply: Sendable {
        public var json: Data
        public var replayed: Bool
    }

    /// `idempotency`: the request's `Idempotency-Key`, scoped to its credential; a key seen
    /// before answers the earlier answer, or 422 when it came with another request.
    public func handle(_ request: ClientRequest, idempotency: IdempotencyScope?) async throws -> Reply {
        if let idempotency, let earlier = try await replay(idempotency) {
            return earlier
        }
        let requestId = UUID().uuidString.lowercased()
        let started = ContinuousClock.now
        var log = ExecutionLog(
            requestId: requestId, taskType: request.taskType, userInput: request.userInput,
            language: request.language, status: .ok
        )

        let generated: GenerateResponse
        let workerStart = ContinuousClock.now
        do {
            generated = try await generator.generate(
                GenerateRequest(taskType: request.taskType, userInput: request.userInput, language: request.language, requestId: requestId)
            )
        } catch {
            log.status = .workerError
            log.latencyWorkerMs = workerStart.millisecondsElapsed
            throw await recordFailure(&log, error: error, role: "worker", since: started)
        }
        let workerMs = workerStart.millisecondsElapsed
        log.output = generated.output
        log.code = CodeExtraction.code(from: generated.output, language: request.language)
        log.promptId = generated.prompt.id
        log.promptVersion = generated.prompt.version
        log.llmProvider = generated.llm.provider
        log.llmModel = generated.llm.model
        log.tokensInput = generated.tokens.input
        log.tokensOutput = generated.tokens.output
        log.latencyWorkerMs = workerMs

        let evaluation: Evaluation
        let evaluatorStart = ContinuousClock.now
        do {
            evaluation = try await evaluator.evaluate(
                EvaluateRequest(
                    taskType: request.taskType, userInput: request.userInput, output: generated.output,
                    language: request.language, tests: request.tests, entryPoint: request.entryPoint, requestId: requestId
                )
            )
        } catch {
            log.status = .evaluatorError
            log.latencyEvaluatorMs = evaluatorStart.millisecondsElapsed
            throw await recordFailure(&log, error: error, role: "evaluator", since: started)
        }
        let evaluatorMs = evaluatorStart.millisecondsElapsed

        let answer = ManagerAnswer(
            requestId: requestId, taskType: request.taskType, language: request.language,
            output: generated.output, code: log.code ?? "", evaluation: evaluation, prompt: generated.prompt,
            latencyMs: .init(total: started.millisecondsElapsed, worker: workerMs, evaluator: evaluatorMs),
            llm: generated.llm, tokens: generated.tokens
        )
        let json = WireJSON.data(answer)
        log.idempotencyKey = idempotency?.storedKey
        log.requestFingerprint = idempotency?.fingerprint
        log.ruleScore = evaluation.ruleScore
        log.judgeScore = evaluation.judgeScore
        log.finalScore = evaluation.finalScore
        log.passed = evaluation.passed
        log.rulesVersion = evaluation.rulesVersion
        log.evaluationJSON = String(decoding: WireJSON.data(evaluation), as: UTF8.self)
        log.responseJSON = String(decoding: json, as: UTF8.self)
        log.latencyEvaluatorMs = evaluatorMs
        log.latencyTotalMs = answer.latencyMs.total
        do {
            _ = try await store.appendLog(log)
        } catch let error as StoreError where error.kind == .conflict && idempotency != nil {
            // A concurrent request with the same key won the race: answer what it logged.
            if let idempotency, let earlier = try await replay(idempotency) { return earlier }
            throw error
        } catch {
            // Unrecorded means unacknowledged: the client must not believe this was logged.
            logger.error("Execution log not written", metadata: ["request.id": "\(requestId)", "error": "\(error)"])
            throw RoleError.notRecorded
        }
        logger.info(
            "Request served",
            metadata: [
                "request.id": "\(requestId)", "task_type": "\(request.taskType)", "prompt.version": "\(generated.prompt.version)",
                "score.final": "\(evaluation.finalScore)", "passed": "\(evaluation.passed)",
            ]
        )
        return Reply(json: json, replayed: false)
    }

    private func replay(_ idempotency: IdempotencyScope) async throws -> Reply? {
        guard let earlier = try await store.log(idempotencyKey: idempotency.storedKey), let response = earlier.responseJSON else {
            return nil
        }
        guard earlier.requestFingerprint == idempotency.fingerprint else {
            throw RoleError.idempotencyKeyReused
        }
        return Reply(json: Data(response.utf8), replayed: true)
    }

    /// Writes the failed request's log row (keeping any output already generated) and
    /// returns the error the client gets.
    private func recordFailure(_ log: inout ExecutionLog, error: any Error, role: String, since started: ContinuousClock.Instant) async -> RoleFailureError {
        let failure = RoleFailure.describe(error, role: role)
        log.error = failure.message
        log.latencyTotalMs = started.millisecondsElapsed
        do {
            _ = try await store.appendLog(log)
        } catch {
            logger.error("Failure log not written", metadata: ["request.id": "\(log.requestId)", "error": "\(error)"])
        }
        // The detail (addresses, paths) is for this log only; the row and the client get the message.
        logger.error(
            "Request failed",
            metadata: [
                "request.id": "\(log.requestId)", "role": "\(role)", "error": "\(failure.message)",
                "error.detail": "\(String(describing: error))",
            ]
        )
        return RoleFailureError(failure: failure, underlying: error)
    }
}

extension ContinuousClock.Instant {
    var millisecondsElapsed: Double {
        let (seconds, attoseconds) = (ContinuousClock.now - self).components
        return Double(seconds) * 1000 + Double(attoseconds) / 1e15
    }
}
