import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle
import Synchronization

/// A scripted HTTP server on 127.0.0.1 that speaks whatever wire protocol a test writes for
/// it: each call gets the reply the script gives for its index, and every request is kept
/// so a test can check what the provider sent.
final class FakeLLMServer: Sendable {
    struct Reply: Sendable {
        var status: Int = 200
        var headers: [String: String] = [:]
        var body: String
        /// Waits this long before answering (a hang, for timeout tests).
        var delay: Duration?

        static func json(_ body: String, status: Int = 200, headers: [String: String] = [:]) -> Reply {
            Reply(status: status, headers: headers, body: body)
        }
    }

    struct Recorded: Sendable {
        var path: String
        var query: String?
        /// Keyed by lower-case name.
        var headers: [String: String]
        var body: Data

        var json: [String: Any] { (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] ?? [:] }
    }

    /// Every request received, in order; its count is the next call's index.
    private final class Journal: Sendable {
        let entries = Mutex<[Recorded]>([])
        let stopping = Atomic<Bool>(false)

        /// Records a request and returns its call index.
        func record(_ entry: Recorded) -> Int {
            entries.withLock { entries in
                entries.append(entry)
                return entries.count - 1
            }
        }
    }

    let port: Int
    private let journal: Journal
    private let group: ServiceGroup
    private let task: Task<Void, any Error>

    var requests: [Recorded] { journal.entries.withLock { $0 } }
    var callCount: Int { journal.entries.withLock { $0.count } }
    var baseURL: String { "http://127.0.0.1:\(port)" }

    private init(port: Int, journal: Journal, group: ServiceGroup, task: Task<Void, any Error>) {
        self.port = port
        self.journal = journal
        self.group = group
        self.task = task
    }

    /// Starts the server; `script` answers call number 0, 1, 2, ...
    static func start(_ script: @escaping @Sendable (Int) -> Reply) async throws -> FakeLLMServer {
        let journal = Journal()
        let router = Router()
        router.post("**") { request, _ -> Response in
            let body = try await request.body.collect(upTo: 1 << 20)
            var headers: [String: String] = [:]
            for field in request.headers { headers[field.name.canonicalName.lowercased()] = field.value }
            let index = journal.record(
                Recorded(path: request.uri.path, query: request.uri.query, headers: headers, body: Data(body.readableBytesView))
            )
            let reply = script(index)
            if let delay = reply.delay {
                // A hang that ends early when the server stops, so shutdown does not wait it out.
                let until = ContinuousClock.now + delay
                while ContinuousClock.now < until && !journal.stopping.load(ordering: .relaxed) {
                    try await Task.sleep(for: .milliseconds(20))
                }
            }
            var fields = HTTPFields()
            fields[.contentType] = "application/json"
            for (name, value) in reply.headers { fields[HTTPField.Name(name)!] = value }
            return Response(status: .init(code: reply.status), headers: fields, body: .init(byteBuffer: ByteBuffer(string: reply.body)))
        }
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let app = Application(
            router: router,
            configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in
                continuation.yield(channel.localAddress?.port ?? 0)
                continuation.finish()
            },
            logger: Logger(label: "fake-llm", factory: { _ in SwiftLogNoOpLogHandler() })
        )
        let group = ServiceGroup(
            configuration: .init(services: [app], logger: Logger(label: "fake-llm", factory: { _ in SwiftLogNoOpLogHandler() }))
        )
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

    /// Closes the listening socket and ends any hanging reply.
    func stop() async {
        journal.stopping.store(true, ordering: .relaxed)
        await group.triggerGracefulShutdown()
        _ = try? await task.value
    }
}
