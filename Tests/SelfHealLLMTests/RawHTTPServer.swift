import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOPosix
import SelfHealLLM

/// An HTTP/1.1 server on a bare NIO pipeline, for the connection behaviour a Hummingbird
/// server hides: it counts the connections it accepts, and `answer` decides per request
/// (its index on its connection) what to send, or to close, or to say nothing.
final class RawHTTPServer: Sendable {
    enum Reply: Sendable {
        /// `trailing`: bytes sent after the body its Content-Length announces.
        case answer(status: Int, body: String, close: Bool = false, trailing: String = "")
        /// Answers, keeps the connection open, and closes it after `after` (an idle timeout).
        case answerThenIdleClose(body: String, after: TimeAmount)
        /// Answers after `delay` (a model at work), and closes the connection after if `close`.
        case answerAfter(delay: TimeAmount, body: String, close: Bool = false)
        /// Closes the connection without a word.
        case hangUp
        /// Never answers.
        case silence
        /// Sends the head (its Content-Length announcing all of `body`) and the first half of
        /// `body`, then nothing more.
        case stallHalfWay(body: String)
        /// Answers with the request as this server read it: its request line, its headers one
        /// per line, an empty line, its body.
        case echo
    }

    private let channel: any Channel
    private let counts: NIOLockedValueBox<(connections: Int, requests: Int, closed: Int, peak: Int)>
    var port: Int { channel.localAddress?.port ?? 0 }
    /// Where a chat completion to this server goes.
    var target: PlainHTTPTarget { PlainHTTPTarget(url: "http://127.0.0.1:\(port)/v1/chat/completions")! }
    var connections: Int { counts.withLockedValue { $0.connections } }
    var requests: Int { counts.withLockedValue { $0.requests } }
    /// Connections the client (or this server) has closed.
    var closed: Int { counts.withLockedValue { $0.closed } }
    /// The most connections open at once.
    var peak: Int { counts.withLockedValue { $0.peak } }

    static func start(_ reply: @escaping @Sendable (_ indexOnConnection: Int) -> Reply) async throws -> RawHTTPServer {
        let counts = NIOLockedValueBox((connections: 0, requests: 0, closed: 0, peak: 0))
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    try channel.pipeline.syncOperations.addHandler(Handler(reply: reply, counts: counts))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        return RawHTTPServer(channel: channel, counts: counts)
    }

    private init(channel: any Channel, counts: NIOLockedValueBox<(connections: Int, requests: Int, closed: Int, peak: Int)>) {
        self.channel = channel
        self.counts = counts
    }

    func stop() async {
        try? await channel.close()
    }

    private final class Handler: ChannelInboundHandler, @unchecked Sendable {
        typealias InboundIn = HTTPServerRequestPart
        typealias OutboundOut = HTTPServerResponsePart
        let reply: @Sendable (Int) -> Reply
        let counts: NIOLockedValueBox<(connections: Int, requests: Int, closed: Int, peak: Int)>
        var index = 0
        /// The request being read, for `.echo`.
        var received = ""

        init(reply: @escaping @Sendable (Int) -> Reply, counts: NIOLockedValueBox<(connections: Int, requests: Int, closed: Int, peak: Int)>) {
            self.reply = reply
            self.counts = counts
        }

        func channelActive(context: ChannelHandlerContext) {
            counts.withLockedValue { counts in
                counts.connections += 1
                counts.peak = max(counts.peak, counts.connections - counts.closed)
            }
            context.fireChannelActive()
        }

        func channelInactive(context: ChannelHandlerContext) {
            counts.withLockedValue { $0.closed += 1 }
            context.fireChannelInactive()
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch unwrapInboundIn(data) {
            case .head(let head):
                received = "\(head.method.rawValue) \(head.uri) HTTP/\(head.version.major).\(head.version.minor)\n"
                    + head.headers.map { "\($0.name): \($0.value)\n" }.joined() + "\n"
                return
            case .body(let part):
                received += String(buffer: part)
                return
            case .end:
                break
            }
            counts.withLockedValue { $0.requests += 1 }
            defer { index += 1 }
            switch reply(index) {
            case .answer(let status, let body, let close, let trailing):
                answer(context: context, status: status, body: body, close: close, trailing: trailing)
            case .answerThenIdleClose(let body, let after):
                answer(context: context, body: body)
                let channel = context.channel
                context.eventLoop.scheduleTask(in: after) { channel.close(promise: nil) }
            case .answerAfter(let delay, let body, let close):
                let context = NIOLoopBound(context, eventLoop: context.eventLoop)
                context.value.eventLoop.scheduleTask(in: delay) {
                    self.answer(context: context.value, body: body, close: close)
                }
            case .hangUp:
                context.close(promise: nil)
            case .silence:
                break
            case .echo:
                answer(context: context, body: received)
            case .stallHalfWay(let body):
                let headers = HTTPHeaders([("Content-Type", "application/json"), ("Content-Length", "\(body.utf8.count)")])
                context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: .ok, headers: headers))), promise: nil)
                let half = ByteBuffer(string: String(body.prefix(body.count / 2)))
                context.writeAndFlush(wrapOutboundOut(.body(.byteBuffer(half))), promise: nil)
            }
        }

        /// `trailing`: bytes after the body its Content-Length announces.
        private func answer(context: ChannelHandlerContext, status: Int = 200, body: String, close: Bool = false, trailing: String = "") {
            var headers = HTTPHeaders([("Content-Type", "application/json"), ("Content-Length", "\(body.utf8.count)")])
            if close { headers.add(name: "Connection", value: "close") }
            context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: .init(statusCode: status), headers: headers))), promise: nil)
            context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(string: body + trailing)))), promise: nil)
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
            if close { context.close(promise: nil) }
        }
    }
}
