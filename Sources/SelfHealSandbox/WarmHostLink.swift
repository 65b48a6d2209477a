import Foundation
import NIOCore
import NIOPosix
import Synchronization

/// One framed message from a warm host: its JSON header and the bytes after it.
struct HostMessage: @unchecked Sendable {
    /// Flat JSON values (`Bool`, `Int`, `String`), as `WireText.flatObject` reads them.
    let header: HostHeader
    let body: [UInt8]
}

/// Why no message came from a host.
enum HostLinkError: Error, Equatable {
    /// The host closed its end (it died), or selfheal closed the link.
    case closed
    /// The deadline passed first.
    case timedOut
    /// A frame with no length or longer than `HostFrameDecoder.maximumLength`.
    case badLength(Int)
    /// A header that is not JSON, or longer than `HostFrameDecoder.maximumHeader`.
    case notJSON
    /// A message while one nobody asked for was already waiting, or when a job was sent: the
    /// host says only `clean` unasked, once per job.
    case unasked
}

/// A warm host's control socket (its descriptor 3) on an event loop, so a job is written and
/// its answer read there: no thread of the runner wakes for it. A message the host sends when
/// nobody waits (its `clean` after a job) waits for the next `next(by:)`; a second one ends the
/// link (a host gone wrong must not fill selfheal's memory, nor have a message it sent early
/// taken for the next job's answer). Everything but `attach` and `close` runs on the link's loop.
final class WarmHostLink: NIOScheduledCallbackHandler, @unchecked Sendable {
    let eventLoop: any EventLoop
    private var channel: (any Channel)?
    private var inbox: [Result<HostMessage, HostLinkError>] = [] {
        didSet { unread.store(!inbox.isEmpty || ended != nil, ordering: .relaxed) }
    }
    /// Whether a read now would return at once (a message is waiting, or the link has ended):
    /// for choosing a host from any thread.
    private let unread = Atomic<Bool>(false)
    var hasUnread: Bool { unread.load(ordering: .relaxed) }
    /// The reader, and its deadline: a callback (this link), not a `scheduleTask`, whose
    /// promise and future cost more than the rest of arming and cancelling it.
    private var waiter: (promise: EventLoopPromise<HostMessage>, timer: NIOScheduledCallback)?
    /// Set once the link has ended (the host's end closed, or it went wrong on the wire): every
    /// later `next` fails at once with it.
    private var ended: HostLinkError? {
        didSet { unread.store(!inbox.isEmpty || ended != nil, ordering: .relaxed) }
    }

    private init(eventLoop: any EventLoop) {
        self.eventLoop = eventLoop
    }

    /// Hands `descriptor` (a connected stream socket) to `loop`; from then on NIO owns it: on
    /// Linux every way this can fail after taking it (making it non-blocking, registering it)
    /// closes it. Blocks until the channel is registered, so call it from a thread, never from
    /// an event loop.
    static func attach(descriptor: Int32, to loop: any EventLoop) throws -> WarmHostLink {
        let link = WarmHostLink(eventLoop: loop)
        _ = try ClientBootstrap(group: loop)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    link.channel = channel
                    try channel.pipeline.syncOperations.addHandlers(ByteToMessageHandler(HostFrameDecoder()), HostLinkHandler(link: link))
                }
            }
            .withConnectedSocket(descriptor).wait()
        return link
    }

    /// Runs `body` on the link's loop: at once when already there, which is where a job's
    /// caller usually is (`WarmHosts` starts a slot's host on the loop that asked for it).
    func onLoop<T: Sendable>(_ body: @escaping @Sendable () -> EventLoopFuture<T>) -> EventLoopFuture<T> {
        eventLoop.inEventLoop ? body() : eventLoop.flatSubmit(body)
    }

    /// The next message, or why none came by `deadline`. On the link's loop.
    func next(by deadline: NIODeadline) -> EventLoopFuture<HostMessage> {
        eventLoop.preconditionInEventLoop()
        precondition(waiter == nil, "one reader at a time")
        // A link that has ended fails every read, a message that was waiting included: it came
        // from a host that then went wrong (or away), and the runner replaces that host.
        if let ended { return eventLoop.makeFailedFuture(ended) }
        if !inbox.isEmpty {
            return eventLoop.makeCompletedFuture(inbox.removeFirst().mapError { $0 as any Error })
        }
        let promise = eventLoop.makePromise(of: HostMessage.self)
        do {
            waiter = (promise, try eventLoop.scheduleCallback(at: deadline, handler: self))
        } catch {
            // The loop is shutting down.
            promise.fail(HostLinkError.closed)
        }
        return promise.futureResult
    }

    /// The reader's deadline passed. Every answer cancels the deadline of the reader it
    /// answers, so this is always the current reader's.
    func handleScheduledCallback(eventLoop: some EventLoop) {
        guard let (promise, _) = waiter else { return }
        waiter = nil
        promise.fail(HostLinkError.timedOut)
    }

    /// Writes a job to the host and reads its answer, both by `deadline` (a host that stops
    /// reading cannot hold the job either). On the link's loop.
    func exchange(_ bytes: [UInt8], by deadline: NIODeadline) -> EventLoopFuture<HostMessage> {
        eventLoop.preconditionInEventLoop()
        guard inbox.isEmpty else {
            end(.unasked)
            return eventLoop.makeFailedFuture(HostLinkError.unasked)
        }
        let answer = next(by: deadline)
        if let channel, ended == nil {
            channel.writeAndFlush(channel.allocator.buffer(bytes: bytes)).whenFailure { [self] _ in end(.closed) }
        }
        return answer
    }

    /// Closes selfheal's end; from any thread.
    func close() {
        eventLoop.execute { [self] in end(.closed) }
    }

    /// Fails the reader, and every later read, with `why`, and closes the channel.
    private func end(_ why: HostLinkError) {
        deliver(.failure(why), ending: true)
        channel?.close(promise: nil)
    }

    /// A message or failure from the handler; `ending`: nothing more will come.
    fileprivate func deliver(_ result: Result<HostMessage, HostLinkError>, ending: Bool = false) {
        if ending, case .failure(let why) = result {
            guard ended == nil else { return }
            ended = why
        }
        if let (promise, timer) = waiter {
            waiter = nil
            timer.cancel()
            promise.completeWith(result.mapError { $0 as any Error })
        } else if !ending {
            guard inbox.isEmpty else { return end(.unasked) }
            inbox.append(result)
        }
    }

    /// The pipeline's end: turns frames into messages for the link.
    private final class HostLinkHandler: ChannelInboundHandler {
        typealias InboundIn = ByteBuffer
        let link: WarmHostLink

        init(link: WarmHostLink) {
            self.link = link
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            var frame = unwrapInboundIn(data)
            let bytes = frame.readBytes(length: frame.readableBytes) ?? []
            // A header is a few flat fields: a long one is not read at all (reading it would
            // hold the loop, which serves connections too).
            guard let split = bytes.prefix(HostFrameDecoder.maximumHeader).firstIndex(of: UInt8(ascii: "\n")),
                  let header = WireText.flatObject(bytes[..<split])
                    ?? ((try? JSONSerialization.jsonObject(with: Data(bytes[..<split]))) as? [String: Any]).map(HostHeader.init)
            else {
                link.deliver(.failure(.notJSON), ending: true)
                context.close(promise: nil)
                return
            }
            link.deliver(.success(HostMessage(header: header, body: Array(bytes[(split + 1)...]))))
        }

        func errorCaught(context: ChannelHandlerContext, error: any Error) {
            link.deliver(.failure((error as? HostLinkError) ?? .closed), ending: true)
            context.close(promise: nil)
        }

        func channelInactive(context: ChannelHandlerContext) {
            link.deliver(.failure(.closed), ending: true)
        }
    }
}

/// The host's framing: a 4-byte big-endian length, then that many bytes.
struct HostFrameDecoder: ByteToMessageDecoder {
    typealias InboundOut = ByteBuffer
    /// Longer is a host gone wrong: an answer carries at most two capped output tails.
    static let maximumLength = 64 << 20
    /// The JSON header's bound, within that.
    static let maximumHeader = 64 << 10

    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let length = buffer.getInteger(at: buffer.readerIndex, as: UInt32.self) else { return .needMoreData }
        guard length > 0, length <= Self.maximumLength else { throw HostLinkError.badLength(Int(length)) }
        guard buffer.readableBytes >= 4 + Int(length) else { return .needMoreData }
        buffer.moveReaderIndex(forwardBy: 4)
        context.fireChannelRead(NIOAny(buffer.readSlice(length: Int(length))!))
        return .continue
    }
}
