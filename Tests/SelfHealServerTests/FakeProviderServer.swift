import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle
import Synchronization

/// A scripted LLM server on 127.0.0.1 speaking OpenAI's or Gemini's wire protocol, for
/// running selfheal against a "real" provider offline. The script sees each request and
/// its call index; every request is kept for the test to inspect.
final class FakeProviderServer: Sendable {
    struct Reply: Sendable {
        var status = 200
        var headers: [String: String] = [:]
        var body: String
        /// Never answers (until the server stops): a provider that hangs.
        var hangs = false

        static let hang = Reply(body: "", hangs: true)

        static func openAI(_ content: String) -> Reply {
            let body: [String: Any] = [
                "id": "chatcmpl-fake", "object": "chat.completion", "created": 1, "model": "fake-model",
                "choices": [["index": 0, "message": ["role": "assistant", "content": content], "finish_reason": "stop"]],
                "usage": ["prompt_tokens": 21, "completion_tokens": 9, "total_tokens": 30],
            ]
            return Reply(body: jsonText(body))
        }

        static func openAIError(_ status: Int, _ message: String, headers: [String: String] = [:]) -> Reply {
            Reply(status: status, headers: headers, body: jsonText(["error": ["message": message, "type": "server_error", "param": NSNull(), "code": NSNull()]]))
        }

        static func gemini(_ text: String) -> Reply {
            Reply(body: jsonText([
                "candidates": [["content": ["role": "model", "parts": [["text": text]]], "finishReason": "STOP"]],
                "usageMetadata": ["promptTokenCount": 40, "candidatesTokenCount": 15, "totalTokenCount": 55],
            ]))
        }

        private static func jsonText(_ object: [String: Any]) -> String {
            String(decoding: try! JSONSerialization.data(withJSONObject: object), as: UTF8.self)
        }
    }

    struct Received: Sendable {
        var path: String
        var query: String?
        /// Keyed by lower-case name.
        var headers: [String: String]
        var body: String

        /// The judge's requests carry the candidate between fixed boundaries.
        var isJudge: Bool { body.contains("<<<CANDIDATE_OUTPUT") }
    }

    private final class Journal: Sendable {
        let entries = Mutex<[Received]>([])
        let stopping = Atomic<Bool>(false)
    }

    let port: Int
    private let journal: Journal
    private let group: ServiceGroup
    private let task: Task<Void, any Error>

    var baseURL: String { "http://127.0.0.1:\(port)" }
    var requests: [Received] { journal.entries.withLock { $0 } }
    var callCount: Int { requests.count }

    private init(port: Int, journal: Journal, group: ServiceGroup, task: Task<Void, any Error>) {
        self.port = port
        self.journal = journal
        self.group = group
        self.task = task
    }

    static func start(_ script: @escaping @Sendable (Received, Int) -> Reply) async throws -> FakeProviderServer {
        let journal = Journal()
        let router = Router()
        router.post("**") { request, _ -> Response in
            let bytes = try await request.body.collect(upTo: 4 << 20)
            var headers: [String: String] = [:]
            for field in request.headers { headers[field.name.canonicalName.lowercased()] = field.value }
            let received = Received(path: request.uri.path, query: request.uri.query, headers: headers, body: String(buffer: bytes))
            let index = journal.entries.withLock { entries in
                entries.append(received)
                return entries.count - 1
            }
            let reply = script(received, index)
            if reply.hangs {
                while !journal.stopping.load(ordering: .relaxed) { try await Task.sleep(for: .milliseconds(20)) }
            }
            var fields: HTTPFields = [.contentType: "application/json"]
            for (name, value) in reply.headers { fields[HTTPField.Name(name)!] = value }
            return Response(status: .init(code: reply.status), headers: fields, body: .init(byteBuffer: ByteBuffer(string: reply.body)))
        }
        let quiet = Logger(label: "fake-provider", factory: { _ in SwiftLogNoOpLogHandler() })
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
        return FakeProviderServer(port: port, journal: journal, group: group, task: task)
    }

    /// Releases hanging replies and closes the listening socket.
    func stop() async {
        journal.stopping.store(true, ordering: .relaxed)
        await group.triggerGracefulShutdown()
        _ = try? await task.value
    }
}
