import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
@testable import SelfHealCommands
import SelfHealCore
import SelfHealLLM
import SelfHealServer
import SelfHealTestSupport
import ServiceLifecycle
import Synchronization
import Testing

/// `selfheal --role all` with a real provider pointed at a fake server: answers flow through,
/// and every fault reaches the client as a 502/503/504 naming the provider, and is logged.
@Suite("Real LLM providers behind --role all")
struct ProviderFaultTests {
    static let code = "```python\ndef fibonacci(n: int) -> int:\n    \"\"\"Return the n-th Fibonacci number.\"\"\"\n    a, b = 0, 1\n    for _ in range(n):\n        a, b = b, a + b\n    return a\n```"

    /// The environment a user would set, with a short timeout and one retry.
    /// `timeout`: short only where a test waits it out (a hanging server); elsewhere long, so a
    /// busy machine running the whole suite never turns a prompt answer into a timeout.
    static func environment(_ provider: String, server: FakeLLMServer, path: String, timeout: String = "60") -> [String: String] {
        [
            "LLM_PROVIDER": provider, "LLM_BASE_URL": server.baseURL + path, "LLM_API_KEY": "sk-fault-test-key",
            "LLM_MODEL": "fake-model", "LLM_TIMEOUT_SECONDS": timeout, "LLM_MAX_RETRIES": "1",
        ]
    }

    /// `--role all` on a fresh database, its LLM settings from `environment`; stopped and removed
    /// however `body` ends.
    static func withAll(_ environment: [String: String], _ body: @Sendable (InMemoryRoutes) async throws -> Void) async throws {
        let providers = try ProviderSelection.providers(environment: environment, client: LLMHTTPClient.shared, logger: quietLogger)
        let database = try TempDatabase()
        defer { database.cleanup() }
        try await withRoutes(testConfig(.all, database: database), providers: providers, body)
    }

    @Test("an OpenAI-compatible server answers the request; tokens and model are logged")
    func openAIServes() async throws {
        try await FakeLLMServer.with({ request in
            request.isJudge ? .openAI(#"{"score": 0.9, "feedback": "clear and typed"}"#) : .openAI(Self.code)
        }) { server in
            try await Self.withAll(Self.environment("openai", server: server, path: "/v1")) { role in

                let answer = try await role.fetch(path: "/api/v1/request", body: json(["user_input": "Write a fibonacci function"]))

                #expect(answer.status == 200)
                #expect(answer.json["output"] as? String == Self.code)
                #expect((answer.json["llm"] as? [String: String]) == ["provider": "openai", "model": "fake-model"])
                let judge = try #require((answer.json["evaluation"] as? [String: Any])?["judge"] as? [String: Any])
                #expect(judge["score"] as? Double == 0.9)
                #expect(judge["available"] as? Bool == true)
                let store = try #require(role.store)
                let log = try #require(try await store.recentLogs(taskType: nil, since: .distantPast, limit: 5).first)
                #expect(log.status == .ok)
                #expect(log.llmProvider == "openai")
                #expect(log.tokensInput == 21)
                #expect(log.tokensOutput == 9)
                // The generation call carried the live prompt as the system message.
                let generation = try #require(server.requests.first { !$0.isJudge })
                #expect(generation.path == "/v1/chat/completions")
                #expect(generation.headers["authorization"] == "Bearer sk-fault-test-key")
            }
        }
    }

    @Test("a Gemini server answers the request")
    func geminiServes() async throws {
        try await FakeLLMServer.with({ request in
            request.isJudge ? .gemini(#"{"score": 0.8, "feedback": "ok"}"#) : .gemini(Self.code)
        }) { server in
            try await Self.withAll(Self.environment("gemini", server: server, path: "/v1beta")) { role in

                let answer = try await role.fetch(path: "/api/v1/request", body: json(["user_input": "Write a fibonacci function"]))

                #expect(answer.status == 200)
                #expect(answer.json["output"] as? String == Self.code)
                #expect((answer.json["llm"] as? [String: String])?["provider"] == "gemini")
                let sent = try #require(server.requests.first)
                #expect(sent.path == "/v1beta/models/fake-model:generateContent")
                #expect(sent.headers["x-goog-api-key"] == "sk-fault-test-key")
                #expect(sent.query == nil)
            }
        }
    }

    struct Fault: Sendable, CustomTestStringConvertible {
        var name: String
        var reply: FakeLLMServer.Reply
        var status: Int
        var code: String
        var says: String
        var testDescription: String { name }
    }

    static let faults: [Fault] = [
        Fault(name: "401 wrong key", reply: .openAIError(401, "Incorrect API key provided"), status: 502, code: "llm_rejected", says: "Incorrect API key provided"),
        Fault(name: "429 with Retry-After", reply: .openAIError(429, "Rate limit reached", headers: ["Retry-After": "0"]), status: 503, code: "llm_rate_limited", says: "Rate limit reached"),
        Fault(name: "500 every time", reply: .openAIError(500, "The server had an error"), status: 503, code: "llm_unavailable", says: "The server had an error"),
        Fault(name: "hang past the timeout", reply: .hang, status: 504, code: "llm_timeout", says: "within 0.5 s"),
        Fault(name: "malformed JSON", reply: .init(body: "{\"choices\": [oops"), status: 502, code: "llm_malformed", says: "not a chat completion"),
        Fault(name: "empty choices", reply: .init(body: #"{"choices": []}"#), status: 502, code: "llm_malformed", says: "no choices"),
    ]

    @Test("a provider fault reaches the client as a gateway error naming the provider, and is logged", arguments: faults)
    func fault(_ fault: Fault) async throws {
        try await FakeLLMServer.with({ _ in fault.reply }) { server in
            let timeout = fault.reply.delay != nil ? "0.5" : "10"
            try await Self.withAll(Self.environment("openai", server: server, path: "/v1", timeout: timeout)) { role in

                let answer = try await role.fetch(path: "/api/v1/request", body: json(["user_input": "Write a fibonacci function"]))

                #expect(answer.status == fault.status)
                #expect(answer.errorCode == fault.code)
                #expect(answer.errorMessage?.contains("LLM provider 'openai'") == true, "\(answer.errorMessage ?? "")")
                #expect(answer.errorMessage?.contains(fault.says) == true, "\(answer.errorMessage ?? "")")
                #expect(answer.errorMessage?.contains("sk-fault-test-key") == false)
                let store = try #require(role.store)
                let log = try #require(try await store.recentLogs(taskType: nil, since: .distantPast, limit: 5).first)
                #expect(log.status == .workerError)
                #expect(log.error?.contains(fault.says) == true, "\(log.error ?? "")")
                if fault.status == 502 {
                    #expect(server.callCount == 1, "a 4xx or a malformed answer is not retried")
                }
            }
        }
    }

    @Test("nothing listening at LLM_BASE_URL: 503 naming the provider, never its address")
    func unreachable() async throws {
        let refusing = try RefusingPort()
        defer { refusing.close() }
        let port = refusing.port
        let environment = [
            "LLM_PROVIDER": "openai", "LLM_BASE_URL": "http://127.0.0.1:\(port)/v1", "LLM_MAX_RETRIES": "1", "LLM_TIMEOUT_SECONDS": "60",
        ]
        try await Self.withAll(environment) { role in

            let answer = try await role.fetch(path: "/api/v1/request", body: json(["user_input": "Write a fibonacci function"]))

            #expect(answer.status == 503)
            #expect(answer.errorCode == "llm_unavailable")
            #expect(answer.errorMessage?.contains("LLM provider 'openai'") == true)
            #expect(answer.errorMessage?.contains("127.0.0.1") == false, "\(answer.errorMessage ?? "")")
        }
    }

    @Test("a 500 then success is retried inside the worker: the client sees a normal answer")
    func transientFailure() async throws {
        try await FakeLLMServer.with({ request in
            if request.index == 0 { return .openAIError(500, "transient") }
            return request.isJudge ? .openAI(#"{"score": 1.0, "feedback": ""}"#) : .openAI(Self.code)
        }) { server in
            try await Self.withAll(Self.environment("openai", server: server, path: "/v1")) { role in

                let answer = try await role.fetch(path: "/api/v1/request", body: json(["user_input": "Write a fibonacci function"]))

                #expect(answer.status == 200)
                #expect(answer.json["output"] as? String == Self.code)
            }
        }
    }

    @Test("a fault through /v1/chat/completions comes back in OpenAI's error shape")
    func chatCompletionsFault() async throws {
        try await FakeLLMServer.with({ _ in .hang }) { server in
            try await Self.withAll(Self.environment("openai", server: server, path: "/v1", timeout: "0.5")) { role in

                let answer = try await role.fetch(
                    path: "/v1/chat/completions",
                    body: json(["model": "code_generation", "messages": [["role": "user", "content": "Write a fibonacci function"]]])
                )

                #expect(answer.status == 504)
                let error = try #require(answer.json["error"] as? [String: Any])
                #expect(error["type"] as? String == "api_error")
                #expect(error["code"] as? String == "llm_timeout")
                #expect((error["message"] as? String)?.contains("LLM provider 'openai'") == true)
                #expect(error.keys.contains("param"))
            }
        }
    }
}
