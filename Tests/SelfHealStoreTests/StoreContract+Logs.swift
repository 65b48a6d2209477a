import Foundation
import SelfHealCore
import Testing

extension StoreContract {
    static let logChecks: [StoreCheck] = [
        StoreCheck("execution logs round-trip every field", logsRoundTrip),
        StoreCheck("an idempotency key is used once", idempotencyKeyIsUnique),
        StoreCheck("recent logs: newest first, filtered by time and task type, limited", recentLogsOrderAndFilter),
        StoreCheck("200 concurrent appends all land with distinct ids", concurrentAppendsAllLand),
    ]

    static func fullLog(_ createdAt: Date = Date(timeIntervalSince1970: 1_764_000_000.123)) -> ExecutionLog {
        ExecutionLog(
            requestId: "req-7f3a", idempotencyKey: "key-1", taskType: "code_generation",
            userInput: "Écris une fonction qui inverse une chaîne — 文字列を反転 🙃\n\t'); DROP TABLE execution_logs; --",
            language: "python", status: .ok, error: nil,
            output: "```python\ndef reverse(s: str) -> str:\n    \"\"\"Reverse.\"\"\"\n    return s[::-1]\n```",
            code: "def reverse(s: str) -> str:\n    return s[::-1]", promptId: 3, promptVersion: 2,
            ruleScore: 0.8125, judgeScore: 0.9, finalScore: 0.865, passed: true,
            evaluationJSON: #"{"rules":[{"name":"has_docstring","score":1}],"judge":{"feedback":"ok ✓"}}"#,
            responseJSON: #"{"request_id":"req-7f3a","output":"…"}"#, rulesVersion: "sha256:abc123",
            latencyTotalMs: 123.456, latencyWorkerMs: 80.5, latencyEvaluatorMs: 40.25,
            llmProvider: "simulated", llmModel: "sim-1", tokensInput: 1_234, tokensOutput: 567, createdAt: createdAt
        )
    }

    static func logsRoundTrip(_ harness: StoreHarness) async throws {
        let store = harness.store
        let full = fullLog()
        let fullId = try await store.appendLog(full)
        expectSameLog(try await store.log(id: fullId), full, id: fullId)
        expectSameLog(try await store.log(idempotencyKey: "key-1"), full, id: fullId)

        // Every optional field nil; a failed request.
        let minimal = ExecutionLog(
            requestId: "req-2", taskType: "code_review", userInput: "", status: .workerError,
            error: "worker unreachable: connection refused", passed: false, latencyTotalMs: 0,
            createdAt: Date(timeIntervalSince1970: 1_764_000_100.5)
        )
        let minimalId = try await store.appendLog(minimal)
        #expect(minimalId != fullId)
        expectSameLog(try await store.log(id: minimalId), minimal, id: minimalId)

        var evaluatorError = minimal
        evaluatorError.status = .evaluatorError
        evaluatorError.requestId = "req-3"
        let evaluatorErrorId = try await store.appendLog(evaluatorError)
        expectSameLog(try await store.log(id: evaluatorErrorId), evaluatorError, id: evaluatorErrorId)

        #expect(try await store.log(id: evaluatorErrorId + 1_000) == nil)
        #expect(try await store.log(idempotencyKey: "no-such-key") == nil)
    }

    static func idempotencyKeyIsUnique(_ harness: StoreHarness) async throws {
        let store = harness.store
        var first = fullLog()
        first.idempotencyKey = "retry-me"
        let id = try await store.appendLog(first)

        var retry = first
        retry.requestId = "req-retry"
        retry.output = "something else"
        let error = await expectStoreError(.conflict) { try await store.appendLog(retry) }
        #expect(error?.message.contains("retry-me") == true)
        // The first answer is what a retry gets back.
        expectSameLog(try await store.log(idempotencyKey: "retry-me"), first, id: id)

        // Logs without a key never collide.
        var keyless = fullLog()
        keyless.idempotencyKey = nil
        let a = try await store.appendLog(keyless)
        let b = try await store.appendLog(keyless)
        #expect(a != b)
        #expect(try await store.recentLogs(taskType: nil, since: .distantPast, limit: 10).count == 3)
    }

    static func recentLogsOrderAndFilter(_ harness: StoreHarness) async throws {
        let store = harness.store
        let now = Date()
        func log(_ name: String, _ taskType: String, secondsAgo: Double) -> ExecutionLog {
            ExecutionLog(
                requestId: name, taskType: taskType, userInput: name, status: .ok,
                createdAt: now.addingTimeInterval(-secondsAgo)
            )
        }
        // Appended out of time order on purpose: the order must come from created_at.
        for entry in [
            log("hour-old", "code_generation", secondsAgo: 3_600), log("b-30", "code_review", secondsAgo: 30),
            log("a-60", "code_generation", secondsAgo: 60), log("a-10", "code_generation", secondsAgo: 10),
            log("a-0.002", "code_generation", secondsAgo: 0.002), log("a-0.001", "code_generation", secondsAgo: 0.001),
        ] {
            _ = try await store.appendLog(entry)
        }
        let since = now.addingTimeInterval(-120)
        #expect(try await store.recentLogs(taskType: nil, since: since, limit: 100).map(\.requestId)
            == ["a-0.001", "a-0.002", "a-10", "b-30", "a-60"])
        #expect(try await store.recentLogs(taskType: "code_generation", since: since, limit: 100).map(\.requestId)
            == ["a-0.001", "a-0.002", "a-10", "a-60"])
        #expect(try await store.recentLogs(taskType: "code_review", since: .distantPast, limit: 100).map(\.requestId) == ["b-30"])
        #expect(try await store.recentLogs(taskType: nil, since: since, limit: 2).map(\.requestId) == ["a-0.001", "a-0.002"])
        #expect(try await store.recentLogs(taskType: nil, since: .distantPast, limit: 100).count == 6)
        // `since` is inclusive.
        #expect(try await store.recentLogs(taskType: nil, since: now.addingTimeInterval(-60), limit: 100).last?.requestId == "a-60")
        #expect(try await store.recentLogs(taskType: nil, since: now.addingTimeInterval(60), limit: 100).isEmpty)
        #expect(try await store.recentLogs(taskType: "test_generation", since: .distantPast, limit: 100).isEmpty)
        #expect(try await store.recentLogs(taskType: nil, since: .distantPast, limit: 0).isEmpty)
    }

    static func concurrentAppendsAllLand(_ harness: StoreHarness) async throws {
        let store = harness.store
        let count = 200
        let ids = try await withThrowingTaskGroup(of: Int64.self) { group in
            for number in 0..<count {
                group.addTask {
                    try await store.appendLog(ExecutionLog(
                        requestId: "req-\(number)", idempotencyKey: "key-\(number)", taskType: "code_generation",
                        userInput: "input \(number)", status: .ok, passed: number.isMultiple(of: 2)
                    ))
                }
            }
            return try await group.reduce(into: Set<Int64>()) { $0.insert($1) }
        }
        #expect(ids.count == count)
        let stored = try await store.recentLogs(taskType: nil, since: .distantPast, limit: 1_000)
        #expect(Set(stored.compactMap(\.id)) == ids)
        #expect(Set(stored.map(\.requestId)).count == count)
        let sample = try #require(try await store.log(idempotencyKey: "key-17"))
        #expect(sample.requestId == "req-17")
        #expect(sample.userInput == "input 17")
    }
}
