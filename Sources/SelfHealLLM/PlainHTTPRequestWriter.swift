import NIOCore
import NIOHTTP1

/// Writes each request of a `PlainHTTPConnection` as one buffer: its head, then its body.
///
/// NIO's `HTTPRequestEncoder` and header validator take a request as three parts (head, body,
/// end), each on its own trip through the pipeline, with a dynamic cast and an exclusivity
/// check at every handler (`bench overhead`: ~115 K instructions a request for two LLM calls).
/// Here the connection hands over the body just before the head (`send`), and the head's one
/// trip carries both. The head still passes the response decoder, which pairs each answer with
/// its request.
///
/// What NIO's validator refused is refused here: a method or header name that is not a token,
/// a request target with a space or a control byte, a header value with a control byte (a line
/// break in a value would start a header, or a request, of its own).
final class PlainHTTPRequestWriter: ChannelOutboundHandler, @unchecked Sendable {
    typealias OutboundIn = HTTPClientRequestPart
    typealias OutboundOut = ByteBuffer

    /// A request this writer does not send, and why.
    struct Refused: Error, CustomStringConvertible {
        var description: String
    }

    /// The body of the request whose head comes next. Touched only on the channel's event loop.
    private var body: ByteBuffer?

    /// Sends `head` and `body` as one write, flushed; on the channel's event loop.
    func send(head: HTTPRequestHead, body: ByteBuffer, on channel: any Channel, promise: EventLoopPromise<Void>) {
        self.body = body
        channel.writeAndFlush(HTTPClientRequestPart.head(head), promise: promise)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let body = self.body
        self.body = nil
        guard case .head(let head) = unwrapOutboundIn(data), var body else {
            promise?.fail(Refused(description: "a request goes as its head, its body given with it (send(head:body:on:promise:))"))
            return
        }
        if let problem = Self.problem(with: head) {
            // As NIO's validator: the write fails, and so does the connection's waiting call.
            let refused = Refused(description: "the request was not sent: \(problem)")
            promise?.fail(refused)
            context.fireErrorCaught(refused)
            return
        }
        var buffer = context.channel.allocator.buffer(capacity: 128 + head.uri.utf8.count + body.readableBytes + 64 * head.headers.count)
        buffer.writeString(head.method.rawValue)
        buffer.writeStaticString(" ")
        buffer.writeString(head.uri)
        if head.version == .http1_1 {
            buffer.writeStaticString(" HTTP/1.1\r\n")
        } else {
            buffer.writeString(" HTTP/\(head.version.major).\(head.version.minor)\r\n")
        }
        for (name, value) in head.headers {
            buffer.writeString(name)
            buffer.writeStaticString(": ")
            buffer.writeString(value)
            buffer.writeStaticString("\r\n")
        }
        buffer.writeStaticString("\r\n")
        buffer.writeBuffer(&body)
        context.write(wrapOutboundOut(buffer), promise: promise)
    }

    /// What makes `head` unfit to send, or nil. Header values are not quoted (they hold keys).
    static func problem(with head: HTTPRequestHead) -> String? {
        guard isToken(head.method.rawValue) else { return "the method \(String(reflecting: head.method.rawValue)) is not a token" }
        guard !head.uri.isEmpty, all(of: head.uri, are: { $0 > 0x20 && $0 < 0x7F }) else {
            return "the request target \(String(reflecting: head.uri)) holds a space, a control byte or a non-ASCII byte"
        }
        for (name, value) in head.headers {
            guard isToken(name) else { return "the header name \(String(reflecting: name)) is not a token" }
            guard all(of: value, are: { $0 == 0x09 || ($0 >= 0x20 && $0 != 0x7F) }) else {
                return "the value of header '\(name)' holds a control byte"
            }
        }
        return nil
    }

    /// RFC 9110's token: one or more of the letters, digits and !#$%&'*+-.^_`|~.
    static func isToken(_ text: String) -> Bool {
        !text.isEmpty && all(of: text) { byte in byte < 128 && (tokenBytes[Int(byte >> 6)] >> (byte & 63)) & 1 == 1 }
    }

    /// The token bytes as bits: bytes 0-63 in the first word, 64-127 in the second.
    private static let tokenBytes: [UInt64] = {
        var bits: [UInt64] = [0, 0]
        for byte in "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&'*+-.^_`|~".utf8 {
            bits[Int(byte >> 6)] |= 1 << (byte & 63)
        }
        return bits
    }()

    /// Whether every byte of `text` passes `test`, on its contiguous UTF-8 where it has it.
    private static func all(of text: String, are test: (UInt8) -> Bool) -> Bool {
        text.utf8.withContiguousStorageIfAvailable { $0.allSatisfy(test) } ?? text.utf8.allSatisfy(test)
    }
}
