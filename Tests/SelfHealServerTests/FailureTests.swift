import Foundation
import Logging
import SelfHealCommands
import SelfHealCore
import SelfHealRoles
import SelfHealServer
import SelfHealStore
import SelfHealTestSupport
import Testing

@Suite("Failures of other roles reach the client clearly and are logged")
struct FailureTests {
    @Test("worker down: 503 naming the worker but not its address, and the failure is logged")
    func workerDown() async throws {
        let database = try TempDatabase()
        defer { database.cleanup() }
        try await withRoles { roles in
            let evaluator = try await roles.start(testConfig(.evaluator, database: database))
            let refusing = try RefusingPort()
            defer { refusing.close() }
            let deadWorker = refusing.url
            let manager = try await roles.start(
                testConfig(.manager, database: database, workerURL: deadWorker, evaluatorURL: "http://127.0.0.1:\(evaluator.port)")
            )

            let answer = try await fetch(port: manager.port, path: "/api/v1/request", body: json(["user_input": "Write a fibonacci function"]))
            #expect(answer.status == 503)
            #expect(answer.errorCode == "worker_unavailable")
            #expect(answer.errorMessage?.contains("worker") == true)
            #expect(answer.errorMessage?.contains("127.0.0.1") == false, "\(answer.errorMessage ?? "")")

            let logs = try await #require(manager.store).recentLogs(taskType: nil, since: .distantPast, limit: 10)
            #expect(logs.count == 1)
            #expect(logs.first?.status == .workerError)
            #expect(logs.first?.userInput == "Write a fibonacci function")
            #expect(logs.first?.error?.contains("worker") == true)
        }
    }

    @Test("evaluator down: 503 naming the evaluator but not its address; the generated output is kept in the log")
    func evaluatorDown() async throws {
        let database = try TempDatabase()
        defer { database.cleanup() }
        try await withRoles { roles in
            let worker = try await roles.start(testConfig(.worker, database: database))
            let refusing = try RefusingPort()
            defer { refusing.close() }
            let deadEvaluator = refusing.url
            let manager = try await roles.start(
                testConfig(.manager, database: database, workerURL: "http://127.0.0.1:\(worker.port)", evaluatorURL: deadEvaluator)
            )

            let answer = try await fetch(port: manager.port, path: "/api/v1/request", body: json(["user_input": "Write a fibonacci function"]))
            #expect(answer.status == 503)
            #expect(answer.errorCode == "evaluator_unavailable")
            #expect(answer.errorMessage?.contains("evaluator") == true)
            #expect(answer.errorMessage?.contains("127.0.0.1") == false, "\(answer.errorMessage ?? "")")

            let store = try #require(manager.store)
            let log = try #require(try await store.recentLogs(taskType: nil, since: .distantPast, limit: 10).first)
            #expect(log.status == .evaluatorError)
            #expect(log.output?.contains("def ") == true)
            #expect(log.promptVersion == 1)
        }
    }

    @Test("graceful shutdown lets an in-flight request finish")
    func gracefulShutdown() async throws {
        let database = try TempDatabase()
        defer { database.cleanup() }
        let config = testConfig(.manager, database: database)
        let store = try await SQLiteStore.open(path: database.directory.appendingPathComponent("selfheal.db").path, logger: quietLogger)
        try await store.migrate()
        let started = AsyncStream.makeStream(of: Void.self)
        let manager = Manager(
            generator: SlowGenerator(started: started.continuation), evaluator: FixedEvaluator(), store: store, logger: quietLogger
        )
        let router = buildRouter(
            role: .manager, parts: RoleParts(manager: manager, health: HealthReporter(role: "manager", version: "test", store: store, rules: nil)),
            taskTypes: .defaults, limits: .defaults
        )
        let assembled = AssembledRole(router: router, services: [], store: store)
        try await withRoles { roles in
            let role = try await roles.adopt(RunningRole.start(assembled: assembled, config: config, logger: quietLogger))

            async let inFlight = fetch(port: role.port, path: "/api/v1/request", body: json(["user_input": "slow please"]))
            var iterator = started.stream.makeAsyncIterator()
            await iterator.next()  // the generator is now working on the request
            await role.shutdown()

            let answer = try await inFlight
            #expect(answer.status == 200)
            await #expect(throws: (any Error).self) {
                _ = try await fetch(port: role.port, path: "/health")
            }
        }
    }
}

/// A worker that takes its time, to hold a request in flight while the server shuts down.
struct SlowGenerator: Generating {
    let started: AsyncStream<Void>.Continuation

    func generate(_ request: GenerateRequest) async throws -> GenerateResponse {
        started.yield()
        try await Task.sleep(for: .milliseconds(500))
        return GenerateResponse(
            output: "```python\ndef slow():\n    return 1\n```", prompt: PromptRef(id: 1, version: 1, status: .active),
            llm: LLMInfo(provider: "test", model: "test"), tokens: TokenCounts(input: 1, output: 1)
        )
    }
}

/// An evaluator with a fixed verdict: this test is about shutdown, not scoring.
struct FixedEvaluator: Evaluating {
    func evaluate(_ request: EvaluateRequest) async throws -> Evaluation {
        Evaluation(
            ruleScore: 1, judgeScore: 1, finalScore: 1, passed: true, threshold: 0.7, weights: ScoreWeights(rules: 0.4, judge: 0.6),
            rules: [], judge: JudgeVerdict(score: 1, feedback: "", available: true), exec: nil, rulesVersion: "test",
            failedRequired: [], verdictReason: "fixed"
        )
    }
}
