import NIOCore
import NIOHTTP1

/// One kept-alive connection of `PlainHTTPClient`: its channel, and the handler at the end of
/// its pipeline that turns the answer's parts into one `Response`.
struct PlainHTTPConnection: Sendable {
    let channel: any Channel
    let collector: Collector

    /// The connection broke (closed, reset, a decoding error) before the answer was whole.
    struct Broken: Error {
        var reason: String
        /// Some of the answer had arrived: the request was taken, and is not sent again.
        var answerStarted: Bool
    }

    struct Answer: Sendable {
        var response: PlainHTTPClient.Response
        /// The server keeps the connection open for another call.
        var keepAlive: Bool
    }

    func exchange(head: HTTPRequestHead, body: ByteBuffer, deadline: NIODeadline, maxResponseBytes: Int) async throws -> Answer {
        let promise = channel.eventLoop.makePromise(of: Answer.self)
        let channel = self.channel, collector = self.collector
        let send: @Sendable () -> Void = {
            collector.expect(promise, deadline: deadline, maxResponseBytes: maxResponseBytes)
            channel.write(HTTPClientRequestPart.head(head), promise: nil)
            channel.write(HTTPClientRequestPart.body(.byteBuffer(body)), promise: nil)
            channel.writeAndFlush(HTTPClientRequestPart.end(nil), promise: nil)
        }
        if channel.eventLoop.inEventLoop { send() } else { channel.eventLoop.execute(send) }
        return try await withTaskCancellationHandler {
            try await promise.futureResult.get()
        } onCancel: {
            channel.close(promise: nil)
        }
    }

    /// Collects one answer at a time. Touched only on its channel's event loop (hence
    /// `@unchecked Sendable`: the connection that holds it crosses tasks, its state never does).
    final class Collector: ChannelInboundHandler, @unchecked Sendable {
        typealias InboundIn = HTTPClientResponsePart

        private var promise: EventLoopPromise<Answer>?
        private var head: HTTPResponseHead?
        private var body = ByteBuffer()
        private var limit = 0
        private var timer: Scheduled<Void>?
        private var context: ChannelHandlerContext?

        func handlerAdded(context: ChannelHandlerContext) { self.context = context }
        func handlerRemoved(context: ChannelHandlerContext) { self.context = nil }

        func expect(_ promise: EventLoopPromise<Answer>, deadline: NIODeadline, maxResponseBytes: Int) {
            guard let context, context.channel.isActive else {
                promise.fail(Broken(reason: "the connection is closed", answerStarted: false))
                return
            }
            self.promise = promise
            head = nil
            body.clear()
            limit = maxResponseBytes
            timer = context.eventLoop.scheduleTask(deadline: deadline) { [weak self] in
                self?.finish(.failure(PlainHTTPClient.Failure.timedOut))
            }
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch unwrapInboundIn(data) {
            case .head(let received):
                // An informational answer (100 Continue) comes before the real one.
                if received.status.code < 200 { return }
                head = received
            case .body(var part):
                guard head != nil else { return }
                if body.readableBytes + part.readableBytes > limit {
                    finish(.failure(PlainHTTPClient.Failure.tooLarge(limit: limit)))
                    return
                }
                body.writeBuffer(&part)
            case .end:
                guard let head else { return }
                let answer = Answer(response: .init(status: Int(head.status.code), headers: head.headers, body: body), keepAlive: head.isKeepAlive)
                body = ByteBuffer()
                self.head = nil
                finish(.success(answer), close: false)
            }
        }

        func channelInactive(context: ChannelHandlerContext) {
            finish(.failure(Broken(reason: "the server closed the connection", answerStarted: head != nil)))
            context.fireChannelInactive()
        }

        func errorCaught(context: ChannelHandlerContext, error: any Error) {
            finish(.failure(Broken(reason: "\(error)", answerStarted: head != nil)))
        }

        /// Answers the waiting call, once; a connection whose call failed is closed (what is
        /// left of its answer would be read as the next one's).
        private func finish(_ result: Result<Answer, any Error>, close: Bool = true) {
            timer?.cancel()
            timer = nil
            guard let promise else { return }
            self.promise = nil
            if close { context?.close(promise: nil) }
            promise.completeWith(result)
        }
    }
}
