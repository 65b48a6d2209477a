import Foundation
import SelfHealCore
import SelfHealLLM
import SelfHealTestSupport
import Testing

@Suite("OpenAI-compatible provider against a fake chat.completions server")
struct OpenAIProviderTests {
    @Test("a completion returns the message text and the server's token counts")
    func success() async throws {
        try await FakeLLMServer.with({ _ in FakeLLMServer.Reply.openAI("def add(a, b):\n    return a + b") }) { server in

            let completion = try await openAIProvider(server).complete(chatRequest)

            #expect(completion.text == "def add(a, b):\n    return a + b")
            #expect(completion.tokens == TokenCounts(input: 21, output: 9))
        }
    }

    @Test("the request is the documented chat.completions shape with a bearer key")
    func requestShape() async throws {
        try await FakeLLMServer.with({ _ in FakeLLMServer.Reply.openAI("ok") }) { server in

            _ = try await openAIProvider(server).complete(chatRequest)

            let sent = try #require(server.requests.first)
            #expect(sent.path == "/v1/chat/completions")
            #expect(sent.headers["authorization"] == "Bearer \(secretKey)")
            #expect(sent.json["model"] as? String == "fake-model")
            #expect(sent.json["temperature"] as? Double == 0.2)
            #expect(sent.json["max_tokens"] as? Int == 256)
            let messages = try #require(sent.json["messages"] as? [[String: String]])
            #expect(messages == [
                ["role": "system", "content": "You are a careful Python engineer."],
                ["role": "user", "content": "Write add(a, b)"],
            ])
        }
    }

    @Test("without a key (Ollama, llama.cpp) no Authorization header is sent")
    func noKey() async throws {
        try await FakeLLMServer.with({ _ in FakeLLMServer.Reply.openAI("ok") }) { server in

            _ = try await openAIProvider(server, key: nil).complete(chatRequest)

            #expect(server.requests.first?.headers["authorization"] == nil)
        }
    }

    @Test("an answer that is not JSON is malformed, quoted, and not retried")
    func malformedJSON() async throws {
        try await FakeLLMServer.with({ _ in .json("<html>Bad gateway page</html>") }) { server in

            let error = try #require(await llmError { try await openAIProvider(server).complete(chatRequest) })

            #expect(error.kind == .malformed)
            #expect(error.message.contains("<html>Bad gateway page</html>"))
            #expect(server.callCount == 1)
        }
    }

    @Test("an answer with no choices is malformed")
    func emptyChoices() async throws {
        try await FakeLLMServer.with({ _ in .json(#"{"id":"x","object":"chat.completion","choices":[]}"#) }) { server in

            let error = try #require(await llmError { try await openAIProvider(server).complete(chatRequest) })

            #expect(error.kind == .malformed)
            #expect(error.message.contains("no choices"))
        }
    }

    @Test("a missing usage block still yields token counts (estimated)")
    func missingUsage() async throws {
        try await FakeLLMServer.with({ _ in
            .json(#"{"choices":[{"index":0,"message":{"role":"assistant","content":"print(1)"},"finish_reason":"stop"}]}"#)
        }) { server in

            let completion = try await openAIProvider(server).complete(chatRequest)

            #expect(completion.text == "print(1)")
            #expect(completion.tokens.input > 0)
            #expect(completion.tokens.output > 0)
        }
    }

    @Test("401: rejected at once with the server's message, never the key, in the error or the log")
    func wrongKey() async throws {
        // The server echoes the key it got, as some proxies do, to prove it is redacted.
        try await FakeLLMServer.with({ _ in
            FakeLLMServer.Reply.openAIError(401, "Incorrect API key provided: \(secretKey). You can find your API key at https://example.test")
        }) { server in
            let logs = CapturedLogs()

            let error = try #require(await llmError { try await openAIProvider(server, logger: logs.logger).complete(chatRequest) })

            #expect(error.kind == .rejected)
            #expect(error.provider == "openai")
            #expect(error.message.contains("HTTP 401"))
            #expect(error.message.contains("Incorrect API key provided"))
            #expect(!error.message.contains(secretKey))
            #expect(server.callCount == 1)
            #expect(logs.text.contains("Incorrect API key provided"))
            #expect(!logs.text.contains(secretKey))
        }
    }

    @Test("another 4xx (a bad model name) is rejected without retrying")
    func otherClientError() async throws {
        try await FakeLLMServer.with({ _ in FakeLLMServer.Reply.openAIError(404, "The model `nope` does not exist") }) { server in

            let error = try #require(await llmError { try await openAIProvider(server).complete(chatRequest) })

            #expect(error.kind == .rejected)
            #expect(error.message.contains("The model `nope` does not exist"))
            #expect(server.callCount == 1)
        }
    }

    @Test("nothing listening: unavailable; the address is in the log detail, not the client message")
    func connectionRefused() async throws {
        let refusing = try RefusingPort()
        defer { refusing.close() }
        let port = refusing.port
        let provider = OpenAICompatibleProvider(baseURL: "http://127.0.0.1:\(port)/v1", apiKey: secretKey, model: "m", client: LLMHTTPClient.shared)

        let error = try #require(await llmError {
            try await ResilientProvider(provider, policy: .fast, logger: CapturedLogs().logger).complete(chatRequest)
        })

        #expect(error.kind == .unavailable)
        #expect(!error.message.contains("127.0.0.1"))
        #expect(error.detail?.contains("127.0.0.1:\(port)") == true)
        #expect(error.description.contains("127.0.0.1:\(port)"))
        #expect(error.message.contains("gave up after 3 attempts"))
    }
}
