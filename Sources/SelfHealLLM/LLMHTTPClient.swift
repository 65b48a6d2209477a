public import AsyncHTTPClient
import NIOCore
import NIOHTTPCompression

/// The HTTP client real providers share in a running process. Unlike a default client it
/// does not retry a failed connection on its own until its connect timeout (10 s): a dead
/// provider must fail fast so that `ResilientProvider` can count, back off and open the
/// breaker itself. It also allows more parallel calls per host than the default 8.
public enum LLMHTTPClient {
    public static var configuration: HTTPClient.Configuration {
        var configuration = HTTPClient.Configuration()
        configuration.timeout = .init(connect: .seconds(10))
        configuration.connectionPool.retryConnectionEstablishment = false
        configuration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = 64
        configuration.decompression = .enabled(limit: .ratio(20))
        // selfheal installs no tracer; with none, AsyncHTTPClient still starts a no-op span per
        // call and sets its attributes (the URL parsed again): ~1 % of the CPU of a request.
        configuration.tracing.tracer = nil
        return configuration
    }

    /// One client for the life of the process (never shut down, like `HTTPClient.shared`).
    public static let shared = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
}
