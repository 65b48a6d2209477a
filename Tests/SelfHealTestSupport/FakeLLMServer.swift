public import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle
import Synchronization

/// A scripted LLM server on 127.0.0.1, for running providers and whole roles against a "real"
/// model offline. It speaks whatever the script answers (OpenAI's or Gemini's wire protocol,
/// errors, hangs); the script sees each call, and every call is kept for the test to inspect.
public final class FakeLLMServer: Sendable {
    public struct Reply: Sendable {
        public var status: Int
        public var headers: [String: String]
        public var body: String
        /// Waits this long before answering, or until the server stops (a hang, for timeouts).
        public var delay: Duration?

        public init(status: Int = 200, headers: [String: String] = [:], body: String, delay: Duration? = nil) {
            self.status = status
            self.headers = headers
            self.body = body
            self.delay = delay
        }

        /// Never answers until the server stops: a provider that hangs.
        public static let hang = Reply(body: "", delay: .seconds(24 * 3600))

        public static func json(_ body: String, status: Int = 200, headers: [String: String] = [:]) -> Reply {
            Reply(status: status, headers: headers, body: body)
        }

        /// A chat completion whose message is `content`, with usage counts.
        public static func openAI(_ content: String, promptTokens: Int = 21, completionTokens: Int = 9) -> Reply {
            json(jsonText([
                "id": "chatcmpl-fake", "object": "chat.completion", "created": 1, "model": "fake-model",
                "choices": [["index": 0, "message": ["role": "assistant", "content": content], "finish_reason": "stop"]],
                "usage": ["prompt_tokens": promptTokens, "completion_tokens": completionTokens, "total_tokens": promptTokens + completionTokens],
            ]))
        }

        /// OpenAI's error shape with `status`.
        public static func openAIError(_ status: Int, _ message: String, headers: [String: String] = [:]) -> Reply {
            json(jsonText(["error": ["message": message, "type": "server_error", "param": NSNull(), "code": NSNull()]]), status: status, headers: headers)
        }

        /// A Gemini `generateContent` answer whose text is `text`.
        public static func gemini(_ text: String) -> Reply {
            json(jsonText([
                "candidates": [["content": ["role": "model", "parts": [["text": text]]], "finishReason": "STOP"]],
                "usageMetadata": ["promptTokenCount": 40, "candidatesTokenCount": 15, "totalTokenCount": 55],
            ]))
        }

        private static func jsonText(_ object: [String: Any]) -> String {
            String(decoding: try! JSONSerialization.data(withJSONObject: object), as: UTF8.self)
        }
    }

    /// One request the server received.
    public struct Call: Sendable {
        /// 0 for the first call, 1 for the next, ...
        public var index: Int
        public var path: String
        public var query: String?
        /// Keyed by lower-case name.
        public var headers: [String: String]
        public var body: Data

        public var text: String { String(decoding: body, as: UTF8.self) }
        public var json: [String: Any] { (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] ?? [:] }
        /// The judge's requests carry the candidate between fixed boundaries.
        public var isJudge: Bool { text.contains("<<<CANDIDATE_OUTPUT") }
    }

    private final class Journal: Sendable {
        let calls = Mutex<[Call]>([])
        let stopping = Atomic<Bool>(false)
    }

    public let port: Int
    private let journal: Journal
    private let group: ServiceGroup
    private let task: Task<Void, any Error>

    public var baseURL: String { "http://127.0.0.1:\(port)" }
    /// Every call received, in order.
    public var requests: [Call] { journal.calls.withLock { $0 } }
    public var callCount: Int { requests.count }

    private init(port: Int, journal: Journal, group: ServiceGroup, task: Task<Void, any Error>) {
        self.port = port
        self.journal = journal
        self.group = group
        self.task = task
    }

    /// Starts the server; `script` answers each call.
    public static func start(_ script: @escaping @Sendable (Call) -> Reply) async throws -> FakeLLMServer {
        let journal = Journal()
        let router = Router()
        router.post("**") { request, _ -> Response in
            let bytes = try await request.body.collect(upTo: 4 << 20)
            var headers: [String: String] = [:]
            for field in request.headers { headers[field.name.canonicalName.lowercased()] = field.value }
            let call = journal.calls.withLock { calls in
                let call = Call(
                    index: calls.count, path: request.uri.path, query: request.uri.query, headers: headers, body: Data(bytes.readableBytesView)
                )
                calls.append(call)
                return call
            }
            let reply = script(call)
            if let delay = reply.delay {
                // A hang that ends early when the server stops, so shutdown does not wait it out.
                let until = ContinuousClock.now + delay
                while ContinuousClock.now < until && !journal.stopping.load(ordering: .relaxed) {
                    try await Task.sleep(for: .milliseconds(20))
                }
            }
            var fields: HTTPFields = [.contentType: "application/json"]
            for (name, value) in reply.headers { fields[HTTPField.Name(name)!] = value }
            return Response(status: .init(code: reply.status), headers: fields, body: .init(byteBuffer: ByteBuffer(string: reply.body)))
        }
        let quiet = Logger(label: "fake-llm", factory: { _ in SwiftLogNoOpLogHandler() })
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let app = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in
                continuation.yield(channel.localAddress?.port ?? 0)
                continuation.finish()
            },
            logger: quiet
        )
        let group = ServiceGroup(configuration: .init(services: [app], logger: quiet))
        let task = Task {
            defer { continuation.finish() }
            try await group.run()
        }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else {
            try await task.value
            throw CancellationError()
        }
        return FakeLLMServer(port: port, journal: journal, group: group, task: task)
    }

    /// Releases hanging replies and closes the listening socket.
    public func stop() async {
        journal.stopping.store(true, ordering: .relaxed)
        await group.triggerGracefulShutdown()
        _ = try? await task.value
    }

    /// Runs `body` with a started server, and stops it however `body` ends.
    public static func with<T>(
        _ script: @escaping @Sendable (Call) -> Reply, _ body: (FakeLLMServer) async throws -> T
    ) async throws -> T {
        let server = try await start(script)
        do {
            let result = try await body(server)
            await server.stop()
            return result
        } catch {
            await server.stop()
            throw error
        }
    }
}
