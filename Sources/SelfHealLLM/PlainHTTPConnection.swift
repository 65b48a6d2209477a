import NIOCore
import NIOHTTP1

/// One kept-alive connection of `PlainHTTPClient`: its channel, the handler at the start of its
/// pipeline that writes each request as one buffer, and the one at the end that turns the
/// answer's parts into one `Response`.
struct PlainHTTPConnection: Sendable {
    let channel: any Channel
    let writer: PlainHTTPRequestWriter
    let collector: Collector

    /// The connection broke (closed, reset, a decoding error) before the answer was whole.
    struct Broken: Error {
        var reason: String
        /// The whole request had been written: the server may have taken it, so it is not sent
        /// again (an LLM call may cost money; `ResilientProvider` decides on retries).
        var requestSent: Bool
    }

    struct Answer: Sendable {
        var response: PlainHTTPClient.Response
        /// The server keeps the connection open for another call.
        var keepAlive: Bool
    }

    func exchange(head: HTTPRequestHead, body: ByteBuffer, deadline: NIODeadline, maxResponseBytes: Int) async throws -> Answer {
        let promise = channel.eventLoop.makePromise(of: Answer.self)
        let channel = self.channel, writer = self.writer, collector = self.collector
        let send: @Sendable () -> Void = {
            guard collector.expect(promise, deadline: deadline, maxResponseBytes: maxResponseBytes) else { return }
            let written = channel.eventLoop.makePromise(of: Void.self)
            written.futureResult.whenSuccess { collector.requestWritten() }
            writer.send(head: head, body: body, on: channel, promise: written)
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
    final class Collector: ChannelInboundHandler, NIOScheduledCallbackHandler, @unchecked Sendable {
        typealias InboundIn = HTTPClientResponsePart

        private var promise: EventLoopPromise<Answer>?
        /// The waiting call's request is all written.
        private var sent = false
        private var head: HTTPResponseHead?
        private var body = ByteBuffer()
        private var limit = 0
        /// The waiting call's deadline: a callback (this collector), not a `scheduleTask`,
        /// whose promise and future cost more than the rest of arming and cancelling it.
        private var timer: NIOScheduledCallback?
        private var context: ChannelHandlerContext?

        func handlerAdded(context: ChannelHandlerContext) { self.context = context }
        func handlerRemoved(context: ChannelHandlerContext) { self.context = nil }

        /// Readies for `promise`'s answer; false (and `promise` failed) when the connection is
        /// closed already.
        func expect(_ promise: EventLoopPromise<Answer>, deadline: NIODeadline, maxResponseBytes: Int) -> Bool {
            guard let context, context.channel.isActive else {
                promise.fail(Broken(reason: "the connection is closed", requestSent: false))
                return false
            }
            self.promise = promise
            sent = false
            head = nil
            body.clear()
            limit = maxResponseBytes
            do {
                timer = try context.eventLoop.scheduleCallback(at: deadline, handler: self)
            } catch {
                // The loop is shutting down.
                finish(.failure(Broken(reason: "the connection's event loop is shutting down", requestSent: false)))
                return false
            }
            return true
        }

        /// The deadline passed (a deadline met or missed cancels it first: it never fires for a
        /// call after the one that armed it).
        func handleScheduledCallback(eventLoop: some EventLoop) {
            timer = nil
            finish(.failure(PlainHTTPClient.Failure.timedOut))
        }

        func requestWritten() { sent = true }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            // Bytes nobody asked for (an unsolicited 408, a body longer than announced) would
            // be read as the next call's answer: such a connection is not used again.
            guard promise != nil else {
                context.close(promise: nil)
                return
            }
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
                // An answer that came before the request was all written (the server did not
                // wait for the body) leaves the rest of the body on the wire: not kept.
                let answer = Answer(
                    response: .init(status: Int(head.status.code), headers: head.headers, body: body), keepAlive: head.isKeepAlive && sent
                )
                body = ByteBuffer()
                self.head = nil
                finish(.success(answer), close: false)
            }
        }

        func channelInactive(context: ChannelHandlerContext) {
            finish(.failure(Broken(reason: "the server closed the connection", requestSent: sent)))
            context.fireChannelInactive()
        }

        func errorCaught(context: ChannelHandlerContext, error: any Error) {
            finish(.failure(Broken(reason: "\(error)", requestSent: sent)))
        }

        /// Answers the waiting call, if any, once; a connection that failed is closed, with or
        /// without a call waiting (what is left of an answer would be read as the next one's,
        /// and HTTP's decoder stays failed).
        private func finish(_ result: Result<Answer, any Error>, close: Bool = true) {
            timer?.cancel()
            timer = nil
            // Taken first: closing calls `channelInactive`, which must not answer it instead.
            let waiting = promise
            promise = nil
            if close { context?.close(promise: nil) }
            waiting?.completeWith(result)
        }
    }
}
