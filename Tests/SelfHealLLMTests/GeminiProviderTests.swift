import Foundation
import SelfHealCore
import SelfHealLLM
import SelfHealTestSupport
import Testing

@Suite("Gemini provider against a fake generateContent server")
struct GeminiProviderTests {
    static let answer = """
    {"candidates":[{"content":{"role":"model","parts":[{"text":"def add(a, b):"},{"text":"\\n    return a + b"}]},"finishReason":"STOP"}],
     "usageMetadata":{"promptTokenCount":31,"candidatesTokenCount":12,"totalTokenCount":43}}
    """

    func gemini(_ server: FakeLLMServer, logs: CapturedLogs = CapturedLogs()) -> ResilientProvider {
        ResilientProvider(
            GeminiProvider(apiKey: secretKey, baseURL: server.baseURL + "/v1beta", client: LLMHTTPClient.shared),
            policy: .fast, logger: logs.logger
        )
    }

    @Test("text from the candidate's parts, tokens from usageMetadata")
    func success() async throws {
        try await FakeLLMServer.with({ _ in .json(Self.answer) }) { server in

            let completion = try await gemini(server).complete(chatRequest)

            #expect(completion.text == "def add(a, b):\n    return a + b")
            #expect(completion.tokens == TokenCounts(input: 31, output: 12))
        }
    }

    @Test("the prompt is the systemInstruction, the key is a header and never in the URL")
    func requestShape() async throws {
        try await FakeLLMServer.with({ _ in .json(Self.answer) }) { server in

            _ = try await gemini(server).complete(chatRequest)

            let sent = try #require(server.requests.first)
            #expect(sent.path == "/v1beta/models/gemini-2.0-flash:generateContent")
            #expect(sent.query == nil || sent.query?.contains(secretKey) == false)
            #expect(sent.headers["x-goog-api-key"] == secretKey)
            #expect(sent.headers["authorization"] == nil)
            let system = try #require(sent.json["systemInstruction"] as? [String: Any])
            #expect((system["parts"] as? [[String: String]]) == [["text": "You are a careful Python engineer."]])
            let contents = try #require(sent.json["contents"] as? [[String: Any]])
            #expect(contents.count == 1)
            #expect(contents.first?["role"] as? String == "user")
            #expect((contents.first?["parts"] as? [[String: String]]) == [["text": "Write add(a, b)"]])
            let config = try #require(sent.json["generationConfig"] as? [String: Any])
            #expect(config["temperature"] as? Double == 0.2)
            #expect(config["maxOutputTokens"] as? Int == 256)
        }
    }

    @Test("a bad key: rejected once, with Gemini's status and message, without the key")
    func badKey() async throws {
        try await FakeLLMServer.with({ _ in
            .json(
                #"{"error":{"code":400,"message":"API key not valid. Please pass a valid API key.","status":"INVALID_ARGUMENT"}}"#,
                status: 400
            )
        }) { server in
            let logs = CapturedLogs()

            let error = try #require(await llmError { try await gemini(server, logs: logs).complete(chatRequest) })

            #expect(error.kind == .rejected)
            #expect(error.provider == "gemini")
            #expect(error.message.contains("INVALID_ARGUMENT: API key not valid"))
            #expect(server.callCount == 1)
            #expect(!logs.text.contains(secretKey))
        }
    }

    @Test("a blocked prompt (no candidates) is malformed and says why")
    func noCandidates() async throws {
        try await FakeLLMServer.with({ _ in .json(#"{"promptFeedback":{"blockReason":"SAFETY"}}"#) }) { server in

            let error = try #require(await llmError { try await gemini(server).complete(chatRequest) })

            #expect(error.kind == .malformed)
            #expect(error.message.contains("no candidates"))
            #expect(error.message.contains("SAFETY"))
        }
    }

    @Test("503 then success: retried")
    func unavailableThenSuccess() async throws {
        try await FakeLLMServer.with({ call in
            call.index == 0 ? .json(#"{"error":{"code":503,"message":"The model is overloaded.","status":"UNAVAILABLE"}}"#, status: 503)
                : .json(Self.answer)
        }) { server in

            let completion = try await gemini(server).complete(chatRequest)

            #expect(completion.tokens.output == 12)
            #expect(server.callCount == 2)
        }
    }
}
