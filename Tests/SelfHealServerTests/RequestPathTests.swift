import Foundation
import SelfHealCommands
import SelfHealCore
import SelfHealRoles
import SelfHealServer
import Testing

@Suite("The request path, end to end over HTTP")
struct RequestPathTests {
    /// The answer has the shape README.md's "API" shows, with real scores from the Lua rules and the judge.
    func expectFullAnswer(_ answer: HTTPAnswer, sourceLocation: SourceLocation = #_sourceLocation) throws {
        #expect(answer.status == 200, "body: \(String(decoding: answer.body, as: UTF8.self))", sourceLocation: sourceLocation)
        let body = answer.json
        #expect((body["request_id"] as? String)?.isEmpty == false, sourceLocation: sourceLocation)
        #expect(body["task_type"] as? String == "code_generation", sourceLocation: sourceLocation)
        #expect((body["code"] as? String)?.contains("def ") == true, sourceLocation: sourceLocation)
        let evaluation = try #require(body["evaluation"] as? [String: Any], sourceLocation: sourceLocation)
        let final = try #require(evaluation["final_score"] as? Double, sourceLocation: sourceLocation)
        #expect((0...1).contains(final), sourceLocation: sourceLocation)
        #expect(evaluation["passed"] is Bool, sourceLocation: sourceLocation)
        #expect(evaluation["threshold"] as? Double == 0.7, sourceLocation: sourceLocation)
        let rules = try #require(evaluation["rules"] as? [[String: Any]], sourceLocation: sourceLocation)
        #expect(!rules.isEmpty, sourceLocation: sourceLocation)
        #expect((evaluation["rules_version"] as? String)?.isEmpty == false, sourceLocation: sourceLocation)
        let judge = try #require(evaluation["judge"] as? [String: Any], sourceLocation: sourceLocation)
        #expect(judge["available"] as? Bool == true, sourceLocation: sourceLocation)
        let prompt = try #require(body["prompt"] as? [String: Any], sourceLocation: sourceLocation)
        #expect(prompt["status"] as? String == "active", sourceLocation: sourceLocation)
        let latency = try #require(body["latency_ms"] as? [String: Any], sourceLocation: sourceLocation)
        #expect(latency["total"] is Double && latency["worker"] is Double && latency["evaluator"] is Double, sourceLocation: sourceLocation)
        #expect((body["llm"] as? [String: Any])?["provider"] as? String == "simulated", sourceLocation: sourceLocation)
    }

    @Test("--role all serves a request and logs it")
    func allInOneProcess() async throws {
        let database = try TempDatabase()
        defer { database.cleanup() }
        try await withRoutes(testConfig(.all, database: database)) { role in

            let answer = try await role.fetch(path: "/api/v1/request", body: json(["user_input": "Write a fibonacci function", "task_type": "code_generation"]))
            try expectFullAnswer(answer)

            let store = try #require(role.store)
            let logs = try await store.recentLogs(taskType: nil, since: .distantPast, limit: 10)
            #expect(logs.count == 1)
            let log = try #require(logs.first)
            #expect(log.requestId == answer.json["request_id"] as? String)
            #expect(log.status == .ok)
            let answered = try #require((answer.json["evaluation"] as? [String: Any])?["final_score"] as? Double)
            #expect(abs((log.finalScore ?? -1) - answered) < 1e-9)
            #expect(log.rulesVersion != nil && log.evaluationJSON != nil)
        }
    }

    @Test("manager, worker and evaluator as separate servers serve the same request")
    func splitRoles() async throws {
        let database = try TempDatabase()
        defer { database.cleanup() }
        try await withRoles { roles in
            let worker = try await roles.start(testConfig(.worker, database: database))
            let evaluator = try await roles.start(testConfig(.evaluator, database: database))
            let manager = try await roles.start(
                testConfig(.manager, database: database, workerURL: "http://127.0.0.1:\(worker.port)", evaluatorURL: "http://127.0.0.1:\(evaluator.port)")
            )

            let answer = try await fetch(port: manager.port, path: "/api/v1/request", body: json(["user_input": "Write a fibonacci function"]))
            try expectFullAnswer(answer)
            // Each role serves only its own routes.
            #expect(try await fetch(port: worker.port, path: "/api/v1/request", body: json(["user_input": "x"])).status == 404)
            #expect(try await fetch(port: manager.port, path: "/api/v1/generate", body: json(["user_input": "x", "task_type": "code_generation"])).status == 404)
            let logs = try await #require(manager.store).recentLogs(taskType: nil, since: .distantPast, limit: 10)
            #expect(logs.count == 1 && logs.first?.status == .ok)

        }
    }

    @Test("a prompt version activated in the store serves the very next request")
    func promptSwitch() async throws {
        let database = try TempDatabase()
        defer { database.cleanup() }
        try await withRoutes(testConfig(.all, database: database)) { role in
            let store = try #require(role.store)
            let request = json(["user_input": "Write a function called is_prime that checks whether n is prime"])

            let before = try await role.fetch(path: "/api/v1/request", body: request)
            #expect((before.json["prompt"] as? [String: Any])?["version"] as? Int == 1)
            let code = before.json["code"] as? String ?? ""

            let thorough = try await store.createPrompt(
                NewPrompt(
                    taskType: "code_generation",
                    text: "You are a senior Python engineer. Write complete code with a docstring, type hints, input validation that raises ValueError, and usage examples.",
                    status: .active, author: .operator, reason: "test switch"
                )
            )
            let after = try await role.fetch(path: "/api/v1/request", body: request)
            let prompt = try #require(after.json["prompt"] as? [String: Any])
            #expect(prompt["id"] as? Int == Int(thorough.id))
            #expect(prompt["version"] as? Int == thorough.version)
            // The new instructions changed what was generated.
            #expect(after.json["code"] as? String != code)
        }
    }

    @Test("the same Idempotency-Key returns the logged answer without generating again")
    func idempotency() async throws {
        let database = try TempDatabase()
        defer { database.cleanup() }
        try await withRoutes(testConfig(.all, database: database)) { role in
            let body = json(["user_input": "Reverse a string"])

            let first = try await role.fetch(path: "/api/v1/request", body: body, headers: ["Idempotency-Key": "abc-123"])
            let second = try await role.fetch(path: "/api/v1/request", body: body, headers: ["Idempotency-Key": "abc-123"])
            #expect(first.status == 200 && second.status == 200)
            #expect(first.body == second.body)
            #expect(second.headers["idempotent-replayed"] == "true")
            #expect(first.headers["idempotent-replayed"] == nil)
            let other = try await role.fetch(path: "/api/v1/request", body: body, headers: ["Idempotency-Key": "other"])
            #expect(other.json["request_id"] as? String != first.json["request_id"] as? String)

            let logs = try await #require(role.store).recentLogs(taskType: nil, since: .distantPast, limit: 10)
            #expect(logs.count == 2)
        }
    }

    @Test("an answer recorded by an earlier version is replayed on both routes, the bytes as recorded")
    func earlierAnswerReplayed() async throws {
        let database = try TempDatabase()
        defer { database.cleanup() }
        try await withRoutes(testConfig(.all, database: database)) { role in
            let store = try #require(role.store)
            let request = try ClientRequest.validated(
                userInput: "Add two numbers", taskType: "code_generation", language: nil, tests: nil, entryPoint: nil, taskTypes: .defaults
            )
            let scope = IdempotencyScope(key: "from-before", credential: nil, request: request)
            // As the first version wrote it: no judge confidence, no kind of sandbox run.
            let recorded = #"{"code":"def add(a, b):\n    return a + b","evaluation":{"exec":{"duration_ms":31.5,"exit_code":0,"passed":true,"ran":true,"stderr_tail":"","timed_out":false},"failed_required":[],"final_score":0.91,"judge":{"available":true,"feedback":"correct","score":0.9},"judge_score":0.9,"passed":true,"rule_score":0.93,"rules":[],"rules_version":"sha256:old","threshold":0.7,"verdict_reason":"tests passed","weights":{"judge":0.6,"rules":0.4}},"language":"python","latency_ms":{"evaluator":40,"total":90,"worker":50},"llm":{"model":"sim","provider":"simulated"},"output":"def add(a, b):\n    return a + b","prompt":{"id":1,"status":"active","version":1},"request_id":"req-earlier","task_type":"code_generation","tokens":{"input":5,"output":9}}"#
            _ = try await store.appendLog(ExecutionLog(
                requestId: "req-earlier", idempotencyKey: scope.storedKey, taskType: "code_generation", userInput: request.userInput,
                language: "python", status: .ok, responseJSON: recorded, requestFingerprint: scope.fingerprint
            ))

            let api = try await role.fetch(path: "/api/v1/request", body: json(["user_input": "Add two numbers"]), headers: ["Idempotency-Key": "from-before"])
            #expect(api.status == 200 && api.headers["idempotent-replayed"] == "true")
            #expect(api.body == Data(recorded.utf8))

            let chatBody = json(["model": "code_generation", "messages": [["role": "user", "content": "Add two numbers"]]])
            let chat = try await role.fetch(path: "/v1/chat/completions", body: chatBody, headers: ["Idempotency-Key": "from-before"])
            #expect(chat.status == 200 && chat.headers["idempotent-replayed"] == "true", "\(String(decoding: chat.body, as: UTF8.self))")
            let message = ((chat.json["choices"] as? [[String: Any]])?.first?["message"] as? [String: Any])?["content"] as? String
            #expect(message == "def add(a, b):\n    return a + b")
            #expect((chat.json["selfheal"] as? [String: Any])?["request_id"] as? String == "req-earlier")

            let logs = try await store.recentLogs(taskType: nil, since: .distantPast, limit: 10)
            #expect(logs.count == 1)
        }
    }

    @Test("a client cannot hand the manager the output or the code to score, on either route")
    func smuggledOutputIsIgnored() async throws {
        let database = try TempDatabase()
        defer { database.cleanup() }
        try await withRoutes(testConfig(.all, database: database)) { role in
            let smuggled = "def fibonacci(n):\n    return 'SMUGGLED'"
            let api = try await role.fetch(path: "/api/v1/request", body: json([
                "user_input": "Write a fibonacci function", "output": smuggled, "code": smuggled,
            ]))
            #expect(api.status == 200)
            #expect((api.json["code"] as? String)?.contains("def fibonacci") == true)
            #expect(!(String(decoding: api.body, as: UTF8.self)).contains("SMUGGLED"))

            let chat = try await role.fetch(path: "/v1/chat/completions", body: json([
                "model": "code_generation", "messages": [["role": "user", "content": "Write a fibonacci function"]],
                "output": smuggled, "code": smuggled,
            ]))
            #expect(chat.status == 200)
            #expect(!(String(decoding: chat.body, as: UTF8.self)).contains("SMUGGLED"))
            let rows = try await #require(role.store).recentLogs(taskType: nil, since: .distantPast, limit: 10)
            #expect(rows.count == 2 && rows.allSatisfy { !($0.code ?? "").contains("SMUGGLED") && !($0.output ?? "").contains("SMUGGLED") })
        }
    }
}
