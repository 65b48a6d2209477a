public import Foundation
public import Logging
public import SelfHealCore

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

    /// The answer, typed; the bytes it was recorded as (what `POST /api/v1/request` sends, and
    /// what a retry with the same key gets again); whether it is such a replay.
    public struct Reply: Sendable {
        public var answer: ManagerAnswer
        public var json: Data
        public var replayed: Bool
    }

    /// `idempotency`: the request's `Idempotency-Key`, scoped to its credential; a key seen
    /// before answers the earlier answer, or 422 when it came with another request.
    public func handle(_ request: ClientRequest, idempotency: IdempotencyScope?) async throws -> Reply {
        if let idempotency, let earlier = try await replay(idempotency) {
            return earlier
        }
        let requestId = Self.newRequestId()
        let started = ContinuousClock.now

        let generated: GenerateResponse
        let workerStart = ContinuousClock.now
        do {
            generated = try await generator.generate(
                GenerateRequest(taskType: request.taskType, userInput: request.userInput, language: request.language, requestId: requestId)
            )
        } catch {
            let latency = RequestLatency(total: started.millisecondsElapsed, worker: workerStart.millisecondsElapsed)
            throw await recordFailure(error, role: "worker", requestId: requestId, request: request, generation: nil, code: nil, latency: latency)
        }
        let workerMs = workerStart.millisecondsElapsed
        // Extracted once: the evaluator in this process scores the same code (over HTTP it
        // extracts its own copy, since the contract's body carries the output only).
        let code = CodeExtraction.code(from: generated.output, language: request.language)

        let evaluation: Evaluation
        let evaluatorStart = ContinuousClock.now
        do {
            evaluation = try await evaluator.evaluate(
                EvaluateRequest(
                    taskType: request.taskType, userInput: request.userInput, output: generated.output,
                    language: request.language, tests: request.tests, entryPoint: request.entryPoint, requestId: requestId,
                    code: code
                )
            )
        } catch {
            let latency = RequestLatency(
                total: started.millisecondsElapsed, worker: workerMs, evaluator: evaluatorStart.millisecondsElapsed
            )
            throw await recordFailure(error, role: "evaluator", requestId: requestId, request: request, generation: generated, code: code, latency: latency)
        }
        let evaluatorMs = evaluatorStart.millisecondsElapsed

        let answer = ManagerAnswer(
            requestId: requestId, taskType: request.taskType, language: request.language,
            output: generated.output, code: code, evaluation: evaluation, prompt: generated.prompt,
            latencyMs: .init(total: started.millisecondsElapsed, worker: workerMs, evaluator: evaluatorMs),
            llm: generated.llm, tokens: generated.tokens
        )
        let evaluationJSON = Data(evaluation.jsonBytes)
        let json = WireJSON.data(answer, evaluationJSON: evaluationJSON)
        let log = ExecutionLog(
            requestId: requestId, request: request, idempotency: idempotency, generation: generated, code: code,
            evaluation: evaluation, evaluationJSON: evaluationJSON, answerJSON: json,
            latency: RequestLatency(total: answer.latencyMs.total, worker: workerMs, evaluator: evaluatorMs), failure: nil
        )
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
        // The request's one line at info: what the worker's and the evaluator's lines say too
        // (in one process they log at debug).
        logger.info(
            "Request served",
            metadata: [
                "request.id": "\(requestId)", "task_type": "\(request.taskType)", "prompt.version": "\(generated.prompt.version)",
                "tokens.output": "\(generated.tokens.output)", "score.final": "\(evaluation.finalScore)", "passed": "\(evaluation.passed)",
                "exec.kind": "\(evaluation.exec.map(\.kind.rawValue) ?? "none")", "latency.ms": "\(answer.latencyMs.total)",
            ]
        )
        return Reply(answer: answer, json: json, replayed: false)
    }

    /// The earlier answer recorded under this key, as it was recorded. Every row selfheal has
    /// written reads back (fields added since, like the judge's confidence, are optional); a row
    /// that does not is named in the error instead of answered.
    private func replay(_ idempotency: IdempotencyScope) async throws -> Reply? {
        guard let earlier = try await store.log(idempotencyKey: idempotency.storedKey), let response = earlier.responseJSON else {
            return nil
        }
        guard earlier.requestFingerprint == idempotency.fingerprint else {
            throw RoleError.idempotencyKeyReused
        }
        let json = Data(response.utf8)
        do {
            return Reply(answer: try JSONDecoder().decode(ManagerAnswer.self, from: json), json: json, replayed: true)
        } catch {
            throw StoreError(.invalid, "the recorded answer of request \(earlier.requestId) cannot be read back: \(error)")
        }
    }

    /// Writes the failed request's log row (keeping any output already generated) and
    /// returns the error the client gets.
    private func recordFailure(
        _ error: any Error, role: String, requestId: String, request: ClientRequest, generation: GenerateResponse?, code: String?,
        latency: RequestLatency
    ) async -> RoleFailureError {
        let failure = RoleFailure.describe(error, role: role)
        let log = ExecutionLog(
            requestId: requestId, request: request, idempotency: nil, generation: generation, code: code, evaluation: nil,
            answerJSON: nil, latency: latency, failure: failure.message
        )
        do {
            _ = try await store.appendLog(log)
        } catch {
            logger.error("Failure log not written", metadata: ["request.id": "\(requestId)", "error": "\(error)"])
        }
        // The detail (addresses, paths) is for this log only; the row and the client get the message.
        logger.error(
            "Request failed",
            metadata: [
                "request.id": "\(requestId)", "role": "\(role)", "error": "\(failure.message)",
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

extension Manager {
    /// A random (version 4) UUID, lowercased. Foundation's `UUID()` opens `/dev/urandom` on
    /// every call here; the system generator asks `getrandom(2)`.
    static func newRequestId() -> String {
        var generator = SystemRandomNumberGenerator()
        return requestId(randomBytes: (generator.next(), generator.next()))
    }

    /// The version 4 UUID of 16 random bytes, as 8-4-4-4-12 lowercase hex, by hand: UUID's
    /// string, lowercased, cost ~6,000 instructions a request.
    static func requestId(randomBytes: (UInt64, UInt64)) -> String {
        var bytes = randomBytes
        return withUnsafeMutableBytes(of: &bytes) { raw in
            raw[6] = (raw[6] & 0x0F) | 0x40  // version 4
            raw[8] = (raw[8] & 0x3F) | 0x80  // RFC 4122 variant
            return Hex.lowercase(UnsafeRawBufferPointer(raw), dashesBefore: [4, 6, 8, 10])
        }
    }
}
