import Foundation
import SelfHealCommands
import SelfHealCore
import SelfHealServer
import SelfHealTestSupport
import Testing

/// selfheal as a model: the manager's OpenAI-compatible `/v1/chat/completions` and `/v1/models`.
@Suite("OpenAI-compatible chat completions on the manager")
struct ChatCompletionsTests {
    static func chat(_ model: String, _ content: Any, extra: [String: Any] = [:]) -> Data {
        var body: [String: Any] = [
            "model": model,
            "messages": [["role": "system", "content": "Answer like a pirate."], ["role": "user", "content": content]],
        ]
        body.merge(extra) { $1 }
        return json(body)
    }

    static func openAIError(_ answer: HTTPAnswer) -> [String: Any]? { answer.json["error"] as? [String: Any] }

    @Test("a chat request gets a chat.completion with the generated code and the evaluation")
    func completion() async throws {
        let database = try TempDatabase()
        defer { database.cleanup() }
        try await withRoutes(testConfig(.all, database: database)) { role in

            let answer = try await role.fetch(path: "/v1/chat/completions", body: Self.chat("code_generation", "Write a fibonacci function"))

            #expect(answer.status == 200)
            #expect(answer.json["object"] as? String == "chat.completion")
            #expect(answer.json["model"] as? String == "code_generation")
            #expect(answer.json["created"] as? Int ?? 0 > 1_700_000_000)
            let choices = try #require(answer.json["choices"] as? [[String: Any]])
            #expect(choices.count == 1)
            let message = try #require(choices.first?["message"] as? [String: Any])
            #expect(message["role"] as? String == "assistant")
            #expect((message["content"] as? String)?.contains("def fibonacci") == true)
            #expect(choices.first?["finish_reason"] as? String == "stop")
            let usage = try #require(answer.json["usage"] as? [String: Int])
            #expect(usage["total_tokens"] == (usage["prompt_tokens"] ?? -1) + (usage["completion_tokens"] ?? -1))
            #expect(usage["completion_tokens"] ?? 0 > 0)

            let extra = try #require(answer.json["selfheal"] as? [String: Any])
            let requestId = try #require(extra["request_id"] as? String)
            #expect(answer.json["id"] as? String == "chatcmpl-\(requestId)")
            #expect((extra["evaluation"] as? [String: Any])?["final_score"] is Double)
            #expect((extra["prompt"] as? [String: Any])?["version"] as? Int == 1)

            // The same pipeline as /api/v1/request: the request is in the execution log.
            let store = try #require(role.store)
            let logs = try await store.recentLogs(taskType: nil, since: .distantPast, limit: 5)
            #expect(logs.map(\.requestId) == [requestId])
            #expect(logs.first?.userInput == "Write a fibonacci function")
        }
    }

    @Test("content as text parts, the 'selfheal/<task_type>' model and the last user message")
    func partsAndModels() async throws {
        let database = try TempDatabase()
        defer { database.cleanup() }
        try await withRoutes(testConfig(.all, database: database)) { role in

            let body = json([
                "model": "selfheal/code_review",
                "messages": [
                    ["role": "user", "content": "Write a fibonacci function"],
                    ["role": "assistant", "content": "def fib(n): ..."],
                    ["role": "user", "content": [["type": "text", "text": "Review this:"], ["type": "text", "text": "def add(a, b): return a + b"]]],
                ],
            ])
            let answer = try await role.fetch(path: "/v1/chat/completions", body: body)

            #expect(answer.status == 200)
            #expect(answer.json["model"] as? String == "selfheal/code_review")
            #expect((answer.json["selfheal"] as? [String: Any])?["task_type"] as? String == "code_review")
            let store = try #require(role.store)
            let log = try #require(try await store.recentLogs(taskType: nil, since: .distantPast, limit: 5).first)
            #expect(log.taskType == "code_review")
            #expect(log.userInput == "Review this:\ndef add(a, b): return a + b")

            let plain = try await role.fetch(path: "/v1/chat/completions", body: Self.chat("selfheal", "Write a fibonacci function"))
            #expect((plain.json["selfheal"] as? [String: Any])?["task_type"] as? String == "code_generation")
        }
    }

    @Test("bad requests get OpenAI's error shape with a fitting status", arguments: [
        (chat("gpt-4o", "hi"), 404, "model_not_found", "model"),
        (chat("code_generation", "hi", extra: ["stream": true]), 400, "invalid_request", "stream"),
        (json(["model": "code_generation", "messages": [["role": "system", "content": "x"]]]), 400, "invalid_request", "messages"),
        (json(["model": "code_generation", "messages": [["role": "user", "content": [["type": "image_url", "image_url": ["url": "x"]]]]]]),
         400, "invalid_request", "messages[0].content"),
        (chat("code_generation", "   "), 422, "invalid_field", "messages"),
        (Data("not json".utf8), 400, "bad_request", nil),
    ] as [(Data, Int, String, String?)])
    func badRequests(body: Data, status: Int, code: String, param: String?) async throws {
        let database = try TempDatabase()
        defer { database.cleanup() }
        try await withRoutes(testConfig(.all, database: database)) { role in

            let answer = try await role.fetch(path: "/v1/chat/completions", body: body)

            #expect(answer.status == status)
            let error = try #require(Self.openAIError(answer))
            #expect(error["code"] as? String == code)
            #expect(error["type"] as? String == "invalid_request_error")
            #expect(error["param"] as? String == param)
            #expect((error["message"] as? String)?.isEmpty == false)
            if code == "model_not_found" {
                #expect((error["message"] as? String)?.contains("code_generation") == true)
            }
        }
    }

    @Test("GET /v1/models lists the task types as models")
    func models() async throws {
        let database = try TempDatabase()
        defer { database.cleanup() }
        try await withRoutes(testConfig(.all, database: database)) { role in

            let list = try await role.fetch(.GET, path: "/v1/models")
            #expect(list.status == 200)
            #expect(list.json["object"] as? String == "list")
            let ids = (list.json["data"] as? [[String: Any]])?.compactMap { $0["id"] as? String }
            #expect(ids == TaskTypes.defaults.known)

            let one = try await role.fetch(.GET, path: "/v1/models/code_review")
            #expect(one.json["id"] as? String == "code_review")
            #expect(try await role.fetch(.GET, path: "/v1/models/gpt-4").status == 404)
        }
    }

    static let pythonClient: Bool = {
        guard let process = try? SpawnedProgram("/usr/bin/env", ["python3", "-c", "import openai"]) else { return false }
        process.waitUntilExit()
        return process.terminationStatus == 0
    }()

    @Test("the official Python openai client gets a completion", .enabled(if: pythonClient, "pip install openai"))
    func officialPythonClient() async throws {
        let database = try TempDatabase()
        defer { database.cleanup() }
        try await withRoles { roles in
            let role = try await roles.start(testConfig(.all, database: database))
            let script = """
            import openai, sys
            client = openai.OpenAI(base_url=sys.argv[1], api_key="unused", max_retries=0)
            print([m.id for m in client.models.list()])
            completion = client.chat.completions.create(
                model="code_generation", messages=[{"role": "user", "content": "Write a fibonacci function"}])
            print(completion.choices[0].message.content.count("def fibonacci"))
            print(completion.model_extra["selfheal"]["evaluation"]["final_score"] >= 0)
            print(completion.usage.total_tokens > 0)
            try:
                client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": "hi"}])
            except openai.NotFoundError as error:
                print(error.status_code, error.code)
            """

            let run = try await runProgram("/usr/bin/env", ["python3", "-c", script, "http://127.0.0.1:\(role.port)/v1"])
            let (status, stdout, stderr) = (run.exitCode, run.stdoutText, run.stderrText)

            #expect(status == 0, "\(stderr)")
            #expect(stdout.split(separator: "\n") == [
                "['code_generation', 'test_generation', 'code_review']", "1", "True", "True", "404 model_not_found",
            ], "\(stdout)\(stderr)")
        }
    }
}
