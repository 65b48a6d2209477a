public import NIOCore
public import NIOHTTP1
import NIOPosix

/// A small HTTP/1.1 client for `http://` LLM endpoints (a model server or a gateway beside
/// selfheal): one POST at a time per connection, connections kept alive and reused. It does
/// what an LLM call needs and nothing else (no TLS, no redirects, no proxies, no compression:
/// `https://` goes through AsyncHTTPClient), and does it with less work per call: the
/// connection is taken from a list under one lock, the exchange runs on the connection's event
/// loop, which a new connection shares with the calling task (`bench overhead`: selfheal's
/// two LLM calls were a quarter of its CPU per request through AsyncHTTPClient).
public final class PlainHTTPClient: Sendable {
    /// One client for the life of the process.
    public static let shared = PlainHTTPClient()

    public struct Response: Sendable {
        public var status: Int
        public var headers: HTTPHeaders
        public var body: ByteBuffer
    }

    public enum Failure: Error, Equatable {
        /// No whole answer before the deadline.
        case timedOut
        /// The answer's body is longer than the caller accepts.
        case tooLarge(limit: Int)
        /// The connection could not be made or broke before the answer was whole.
        case connection(String)
    }

    /// Connections per host and port: at most `maxPerHost` open, `maxIdlePerHost` of them kept
    /// idle (more are closed when they come back); calls beyond wait their turn.
    private let pool: PlainHTTPHostPool
    var maxIdlePerHost: Int { pool.maxIdlePerHost }

    public init(maxPerHost: Int = 64, maxIdlePerHost: Int = 64) {
        pool = PlainHTTPHostPool(maxPerHost: maxPerHost, maxIdlePerHost: maxIdlePerHost)
    }

    /// POSTs `body` to `target` and collects the answer, all of it within `timeout` (waiting for
    /// a connection included). Cancelling the calling task closes the connection and throws
    /// `CancellationError`.
    public func post(
        _ target: PlainHTTPTarget, headers: [(String, String)], body: ByteBuffer, timeout: Duration, maxResponseBytes: Int
    ) async throws -> Response {
        let deadline = NIODeadline.now() + .nanoseconds(timeout.nanoseconds)
        var head = HTTPRequestHead(version: .http1_1, method: .POST, uri: target.path)
        head.headers.add(name: "Host", value: target.hostHeader)
        head.headers.add(name: "Content-Length", value: String(body.readableBytes))
        for (name, value) in headers { head.headers.add(name: name, value: value) }
        // A connection kept from an earlier call may have been closed by the server meanwhile
        // (its idle timeout) just as this call was being written on it. When the request did
        // not all go out, the server cannot have taken it, and it goes once more on a new
        // connection, in the same place under the limit; when it did, the call fails (the
        // server may be working on it).
        if case .reuse(let reused) = try await pool.acquire(target.key, deadline: deadline) {
            // Handed over just as the call was cancelled or its time ran out while it waited:
            // the request is not sent (it may be a billed call), and the connection stays good.
            if Task.isCancelled || deadline <= .now() {
                pool.release(reused, key: target.key, keep: true)
                try Task.checkCancellation()
                throw Failure.timedOut
            }
            do {
                return try await exchange(on: reused, target: target, head: head, body: body, deadline: deadline, maxResponseBytes: maxResponseBytes)
            } catch let failure as PlainHTTPConnection.Broken where !failure.requestSent && !Task.isCancelled {
                reused.channel.close(promise: nil)
            } catch {
                throw failed(error, on: reused, key: target.key)
            }
        }
        let connection: PlainHTTPConnection
        do {
            connection = try await connect(target, deadline: deadline)
        } catch {
            pool.giveUp(target.key)
            throw error
        }
        // A connect does not stop for a cancellation; the request is not sent after one.
        if Task.isCancelled { throw failed(CancellationError(), on: connection, key: target.key) }
        do {
            return try await exchange(on: connection, target: target, head: head, body: body, deadline: deadline, maxResponseBytes: maxResponseBytes)
        } catch {
            throw failed(error, on: connection, key: target.key)
        }
    }

    /// A call on `connection` failed: the connection is closed, its place given back, and the
    /// error the caller gets returned (a broken connection said as such, or the cancellation
    /// that broke it).
    private func failed(_ error: any Error, on connection: PlainHTTPConnection, key: String) -> any Error {
        pool.release(connection, key: key, keep: false)
        guard let broken = error as? PlainHTTPConnection.Broken else { return error }
        return Task.isCancelled ? CancellationError() : Failure.connection(broken.reason)
    }

    /// Closes every idle connection (tests; a process exiting need not).
    public func closeIdle() { pool.closeIdle() }

    /// Idle connections now, connections counted against the limit, calls waiting: for tests.
    var idleCount: Int { pool.idleCount }
    var openCount: Int { pool.openCount }
    var waitingCount: Int { pool.waitingCount }

    /// The exchange; on success the connection goes back to the pool (kept or closed as the
    /// server said). On failure the caller decides what becomes of it.
    private func exchange(
        on connection: PlainHTTPConnection, target: PlainHTTPTarget, head: HTTPRequestHead, body: ByteBuffer, deadline: NIODeadline,
        maxResponseBytes: Int
    ) async throws -> Response {
        let response = try await connection.exchange(head: head, body: body, deadline: deadline, maxResponseBytes: maxResponseBytes)
        pool.release(connection, key: target.key, keep: response.keepAlive)
        return response.response
    }

    private func connect(_ target: PlainHTTPTarget, deadline: NIODeadline) async throws -> PlainHTTPConnection {
        let left = deadline - .now()
        guard left > .zero else { throw Failure.timedOut }
        // The call's own deadline when it comes first: its timeout is then the call's.
        let connectLimit = TimeAmount.seconds(10)
        let writer = PlainHTTPRequestWriter()
        let collector = PlainHTTPConnection.Collector()
        // The calling task's event loop when it runs on one: the exchanges then stay on its thread.
        let bootstrap = ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton.any())
            .connectTimeout(min(left, connectLimit))
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    // NIO's response decoder; requests are written by our own writer (one
                    // buffer each, validated as NIO's encoder and validator would).
                    try channel.pipeline.syncOperations.addHandler(writer)
                    try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(HTTPResponseDecoder(leftOverBytesStrategy: .dropBytes)))
                    try channel.pipeline.syncOperations.addHandler(collector)
                }
            }
        do {
            let channel = try await bootstrap.connect(host: target.host, port: target.port).get()
            return PlainHTTPConnection(channel: channel, writer: writer, collector: collector)
        } catch ChannelError.connectTimeout(let after) {
            throw left <= connectLimit ? Failure.timedOut : Failure.connection("no connection within \(after)")
        } catch {
            throw Failure.connection("\(error)")
        }
    }
}

/// Where a plain-HTTP call goes, read from its URL (per call: a short scan, no allocation
/// beyond the parts it keeps).
public struct PlainHTTPTarget: Sendable, Equatable {
    public var host: String
    public var port: Int
    /// The path and query, "/" at least.
    public var path: String

    /// nil unless `url` is `http://host[:port][/path]` (an IPv6 host in brackets).
    public init?(url: String) {
        let scheme = "http://"
        guard url.utf8.count > scheme.utf8.count,
              // Case-insensitive on the scheme's letters, without lowercasing the whole URL.
              url.utf8.prefix(scheme.utf8.count).elementsEqual(scheme.utf8, by: { $0 == $1 || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains($1) && $0 == $1 - 0x20 })
        else { return nil }
        // The scheme's seven characters are its seven bytes (no combining mark joins its "/").
        let schemePart = url.prefix(scheme.count)
        guard schemePart.utf8.count == scheme.utf8.count else { return nil }
        let rest = url[schemePart.endIndex...]
        let authorityEnd = rest.firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }) ?? rest.endIndex
        let authority = rest[..<authorityEnd]
        var path = String(rest[authorityEnd...])
        if let fragment = path.firstIndex(of: "#") { path = String(path[..<fragment]) }
        if path.isEmpty || path.first == "?" { path = "/" + path }
        guard !authority.isEmpty, !authority.contains("@") else { return nil }
        let hostPart: Substring, portPart: Substring?
        if authority.first == "[" {
            guard let close = authority.firstIndex(of: "]") else { return nil }
            hostPart = authority[authority.index(after: authority.startIndex)..<close]
            let after = authority[authority.index(after: close)...]
            guard after.isEmpty || after.first == ":" else { return nil }
            portPart = after.isEmpty ? nil : after.dropFirst()
        } else {
            let pieces = authority.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
            hostPart = pieces[0]
            portPart = pieces.count > 1 ? pieces[1] : nil
        }
        guard !hostPart.isEmpty else { return nil }
        var port = 80
        if let portPart {
            guard let value = Int(portPart), (1...65535).contains(value) else { return nil }
            port = value
        }
        host = String(hostPart)
        self.port = port
        self.path = path
    }

    /// The `Host` header: the port only when it is not 80.
    var hostHeader: String {
        let name = host.contains(":") ? "[\(host)]" : host
        return port == 80 ? name : "\(name):\(port)"
    }

    var key: String { "\(host)|\(port)" }
}
