import Foundation
import Hummingbird
import Logging
import NIOCore
import NIOFoundationEssentialsCompat
import ServiceLifecycle

/// An OpenAI-compatible chat-completions server that answers every call at once with a fixed
/// reply: the zero-latency model `bench overhead` measures selfheal against. It runs in its own
/// process (`selfheal bench zero-llm`), so its CPU is not counted as selfheal's; a call for the
/// judge model gets a verdict, any other call a short Python answer.
enum ZeroLatencyLLM {
    static let generationModel = "zero-generate"
    static let judgeModel = "zero-judge"

    /// What every generation call answers: a function with a docstring, in a fence.
    static let answer = "```python\ndef solve(values):\n    \"\"\"Return the values in order.\"\"\"\n    return sorted(values)\n```"
    static let verdict = #"{"score": 0.9, "feedback": "Correct and clear.", "confidence": 0.9}"#

    /// Serves on 127.0.0.1:`port` (0: any free port) and calls `ready` with the bound port;
    /// returns on SIGTERM or SIGINT.
    static func serve(port: Int, ready: @escaping @Sendable (Int) -> Void) async throws {
        try await application(port: port, ready: ready).runService()
    }

    /// `onCall` hears of each call: whether it is for the judge, and whether it carried an
    /// `Authorization` header.
    static func application(
        port: Int, ready: @escaping @Sendable (Int) -> Void, onCall: @escaping @Sendable (_ judge: Bool, _ authorized: Bool) -> Void = { _, _ in }
    ) -> some ApplicationProtocol {
        let generated = completion(answer, model: generationModel)
        let judged = completion(verdict, model: judgeModel)
        let judgeMarker = Array(judgeModel.utf8)
        let router = Router()
        router.post("**") { request, _ -> Response in
            let body = try await request.body.collect(upTo: 16 << 20)
            let isJudge = body.readableBytesView.firstRange(of: judgeMarker) != nil
            onCall(isJudge, request.headers[.authorization] != nil)
            return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: isJudge ? judged : generated))
        }
        return Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: port)),
            onServerRunning: { channel in ready(channel.localAddress?.port ?? 0) },
            logger: Logger(label: "selfheal.zero-llm", factory: { _ in SwiftLogNoOpLogHandler() })
        )
    }

    /// A `chat.completion` whose message is `content`, encoded once.
    static func completion(_ content: String, model: String) -> ByteBuffer {
        let object: [String: Any] = [
            "id": "chatcmpl-zero", "object": "chat.completion", "created": 1, "model": model,
            "choices": [["index": 0, "message": ["role": "assistant", "content": content], "finish_reason": "stop"]],
            "usage": ["prompt_tokens": 40, "completion_tokens": 30, "total_tokens": 70],
        ]
        return ByteBuffer(data: (try? JSONSerialization.data(withJSONObject: object)) ?? Data())
    }
}
