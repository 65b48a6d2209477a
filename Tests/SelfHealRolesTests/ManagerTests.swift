import Foundation
import SelfHealCore
@testable import SelfHealRoles
import SelfHealStore
import Testing

@Suite("The manager: one typed answer, one extraction, one row per request")
struct ManagerTests {
    let request = ClientRequest(userInput: "Add two numbers", taskType: "code_generation", language: "python")

    @Test("each request gets a request id of its own: a lowercase random (version 4) UUID")
    func requestIds() async throws {
        try await withStore { store in
            let manager = Manager(generator: FixedGenerator(), evaluator: RecordingEvaluator(), store: store, logger: quietLogger)
            var ids: Set<String> = []
            for _ in 0..<20 {
                let id = try await manager.handle(request, idempotency: nil).answer.requestId
                #expect(id.wholeMatch(of: /[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}/) != nil, "\(id)")
                ids.insert(id)
            }
            #expect(ids.count == 20)
        }
    }

    /// The id is the version 4 UUID of its 16 random bytes as Foundation spells it (lowercased):
    /// the hand-written hex agrees with it digit for digit, for the same bytes.
    @Test func requestIdsAreTheUUIDsFoundationWouldWrite() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2_000 {
            var bytes = (generator.next() as UInt64, generator.next() as UInt64)
            let id = Manager.requestId(randomBytes: bytes)
            let expected = withUnsafeMutableBytes(of: &bytes) { raw in
                raw[6] = (raw[6] & 0x0F) | 0x40
                raw[8] = (raw[8] & 0x3F) | 0x80
                return UUID(uuid: raw.load(as: uuid_t.self)).uuidString.lowercased()
            }
            #expect(id == expected)
        }
    }

    @Test("the evaluator scores the code the manager extracted; the row holds the request, generation, evaluation and answer")
    func servedRequest() async throws {
        try await withStore { store in
            let evaluator = RecordingEvaluator()
            let manager = Manager(generator: FixedGenerator(), evaluator: evaluator, store: store, logger: quietLogger)
            let scope = IdempotencyScope(key: "k-1", credential: nil, request: request)
            let reply = try await manager.handle(request, idempotency: scope)

            #expect(!reply.replayed)
            #expect(reply.answer.code == "def add(a, b):\n    return a + b")
            // Extracted once: the evaluator in the same process is handed the manager's code.
            #expect(evaluator.requests.map(\.code) == [reply.answer.code])
            #expect(evaluator.requests.first?.requestId == reply.answer.requestId)
            // The bytes sent are the typed answer, encoded once.
            #expect(try JSONDecoder().decode(ManagerAnswer.self, from: reply.json) == reply.answer)

            let row = try #require(try await store.log(idempotencyKey: scope.storedKey))
            #expect(row.requestId == reply.answer.requestId && row.status == .ok && row.error == nil)
            #expect(row.taskType == "code_generation" && row.userInput == "Add two numbers" && row.language == "python")
            #expect(row.output == reply.answer.output && row.code == reply.answer.code)
            #expect(row.promptId == 7 && row.promptVersion == 3 && row.llmProvider == "test" && row.llmModel == "fixed")
            #expect(row.tokensInput == 11 && row.tokensOutput == 22)
            #expect(row.ruleScore == 0.9 && row.judgeScore == 0.8 && row.finalScore == 0.84 && row.passed)
            #expect(row.rulesVersion == "sha256:test" && row.requestFingerprint == scope.fingerprint)
            let evaluation = try JSONDecoder().decode(Evaluation.self, from: Data(try #require(row.evaluationJSON).utf8))
            // Encoded once: the answer holds the row's evaluation bytes as they are.
            #expect(String(decoding: reply.json, as: UTF8.self).contains(#","evaluation":"# + (row.evaluationJSON ?? "") + ","))
            #expect(evaluation == reply.answer.evaluation)
            #expect(row.responseJSON == String(decoding: reply.json, as: UTF8.self))
            #expect(row.latencyTotalMs == reply.answer.latencyMs.total && row.latencyWorkerMs == reply.answer.latencyMs.worker)
            #expect(row.latencyEvaluatorMs == reply.answer.latencyMs.evaluator)

            // The same key again: the recorded answer, nothing generated or scored again.
            let again = try await manager.handle(request, idempotency: scope)
            #expect(again.replayed && again.answer == reply.answer && again.json == reply.json)
            #expect(evaluator.requests.count == 1)
        }
    }

    @Test("without an idempotency key the row keeps the answer's fields in its columns, not the answer's bytes")
    func servedRequestWithoutKey() async throws {
        try await withStore { store in
            let manager = Manager(generator: FixedGenerator(), evaluator: RecordingEvaluator(), store: store, logger: quietLogger)
            let reply = try await manager.handle(request, idempotency: nil)
            let rows = try await store.recentLogs(taskType: nil, since: Date(timeIntervalSinceNow: -60), limit: 10)
            #expect(rows.count == 1)
            let row = try #require(rows.first)
            #expect(row.requestId == reply.answer.requestId && row.status == .ok && row.passed)
            #expect(row.idempotencyKey == nil && row.requestFingerprint == nil && row.responseJSON == nil)
            // What the answer said is all there.
            #expect(row.output == reply.answer.output && row.code == reply.answer.code && row.language == reply.answer.language)
            #expect(row.promptId == reply.answer.prompt.id && row.promptVersion == reply.answer.prompt.version)
            #expect(row.llmProvider == reply.answer.llm.provider && row.llmModel == reply.answer.llm.model)
            #expect(row.tokensInput == reply.answer.tokens.input && row.tokensOutput == reply.answer.tokens.output)
            #expect(row.latencyTotalMs == reply.answer.latencyMs.total && row.latencyWorkerMs == reply.answer.latencyMs.worker)
            let evaluation = try JSONDecoder().decode(Evaluation.self, from: Data(try #require(row.evaluationJSON).utf8))
            #expect(evaluation == reply.answer.evaluation)
        }
    }

    @Test("a worker failure is recorded without output or key; the client gets the role's words")
    func workerFailure() async throws {
        struct Broken: Error {}
        try await withStore { store in
            let evaluator = RecordingEvaluator()
            let manager = Manager(generator: FixedGenerator(error: Broken()), evaluator: evaluator, store: store, logger: quietLogger)
            let scope = IdempotencyScope(key: "k-2", credential: nil, request: request)
            await #expect {
                _ = try await manager.handle(request, idempotency: scope)
            } throws: { error in
                (error as? RoleFailureError)?.failure.code == "worker_error"
            }
            #expect(evaluator.requests.isEmpty)
            let rows = try await store.recentLogs(taskType: nil, since: .distantPast, limit: 10)
            let row = try #require(rows.first)
            #expect(rows.count == 1 && row.status == .workerError)
            #expect(row.error == "the worker failed unexpectedly; the server log has the details")
            #expect(row.output == nil && row.code == nil && row.evaluationJSON == nil && row.responseJSON == nil)
            #expect(row.idempotencyKey == nil && row.latencyWorkerMs != nil && row.latencyEvaluatorMs == nil)
        }
    }

    @Test("an evaluator failure keeps the generated output in the row, and a retry with the key runs again")
    func evaluatorFailure() async throws {
        struct Broken: Error {}
        try await withStore { store in
            let evaluator = RecordingEvaluator(error: Broken())
            let manager = Manager(generator: FixedGenerator(), evaluator: evaluator, store: store, logger: quietLogger)
            let scope = IdempotencyScope(key: "k-3", credential: nil, request: request)
            for _ in 0..<2 {
                await #expect {
                    _ = try await manager.handle(request, idempotency: scope)
                } throws: { error in
                    (error as? RoleFailureError)?.failure.code == "evaluator_error"
                }
            }
            #expect(evaluator.requests.count == 2)
            let rows = try await store.recentLogs(taskType: nil, since: .distantPast, limit: 10)
            #expect(rows.count == 2)
            for row in rows {
                #expect(row.status == .evaluatorError && row.error == "the evaluator failed unexpectedly; the server log has the details")
                #expect(row.output == FixedGenerator().output && row.code == "def add(a, b):\n    return a + b")
                #expect(row.promptVersion == 3 && row.tokensOutput == 22 && row.finalScore == nil && !row.passed)
                #expect(row.idempotencyKey == nil && row.responseJSON == nil && row.latencyEvaluatorMs != nil)
            }
        }
    }

    /// An answer as the first version of selfheal recorded it: before the judge stated its
    /// confidence and before a sandbox run said what kind of run it was.
    static let earlierAnswer = #"{"code":"def add(a, b):\n    return a + b","evaluation":{"exec":{"duration_ms":31.5,"exit_code":0,"passed":true,"ran":true,"stderr_tail":"","timed_out":false},"failed_required":[],"final_score":0.91,"judge":{"available":true,"feedback":"correct","score":0.9},"judge_score":0.9,"passed":true,"rule_score":0.93,"rules":[{"name":"has_code","reason":"code present","required":true,"score":1,"weight":1}],"rules_version":"sha256:old","threshold":0.7,"verdict_reason":"tests passed","weights":{"judge":0.6,"rules":0.4}},"language":"python","latency_ms":{"evaluator":40,"total":90,"worker":50},"llm":{"model":"sim","provider":"simulated"},"output":"```python\ndef add(a, b):\n    return a + b\n```","prompt":{"id":1,"status":"active","version":1},"request_id":"req-earlier","task_type":"code_generation","tokens":{"input":5,"output":9}}"#

    @Test("an answer recorded by an earlier version is replayed as it was recorded; an unreadable one is named, not answered")
    func earlierRows() async throws {
        try await withStore { store in
            let evaluator = RecordingEvaluator()
            let manager = Manager(generator: FixedGenerator(), evaluator: evaluator, store: store, logger: quietLogger)
            let scope = IdempotencyScope(key: "old", credential: nil, request: request)
            _ = try await store.appendLog(ExecutionLog(
                requestId: "req-earlier", idempotencyKey: scope.storedKey, taskType: "code_generation", userInput: request.userInput,
                status: .ok, responseJSON: Self.earlierAnswer, requestFingerprint: scope.fingerprint
            ))
            let reply = try await manager.handle(request, idempotency: scope)
            #expect(reply.replayed && reply.json == Data(Self.earlierAnswer.utf8))
            #expect(reply.answer.requestId == "req-earlier" && reply.answer.evaluation.finalScore == 0.91)
            #expect(reply.answer.evaluation.judge.confidence == nil && reply.answer.evaluation.exec?.kind == .tests)

            let broken = IdempotencyScope(key: "broken", credential: nil, request: request)
            _ = try await store.appendLog(ExecutionLog(
                requestId: "req-broken", idempotencyKey: broken.storedKey, taskType: "code_generation", userInput: request.userInput,
                status: .ok, responseJSON: #"{"request_id":"req-broken"}"#, requestFingerprint: broken.fingerprint
            ))
            await #expect {
                _ = try await manager.handle(request, idempotency: broken)
            } throws: { error in
                (error as? StoreError)?.message.contains("request req-broken cannot be read back") == true
            }
            #expect(evaluator.requests.isEmpty)
        }
    }
}
