import AsyncHTTPClient
import Foundation
import NIOCore
import NIOFoundationEssentialsCompat
import NIOHTTP1

/// Sends sample requests to a running manager, a few at a time, and collects what came back.
///
/// An HTTP error answer (4xx, 5xx) is a result like any other: the manager was reached and said
/// no, and the row records its status and message. No answer at all (connection refused, reset,
/// timeout) is a transport error: the run stops sending, because every further request would
/// wait for the same dead server, and the command exits non-zero.
struct SampleRunner: Sendable {
    let baseURL: String
    let concurrency: Int
    let timeoutSeconds: Int64
    let apiKey: String?
    let progress: SampleProgress?

    init(baseURL: String, concurrency: Int, timeoutSeconds: Int64 = 120, apiKey: String? = nil, progress: SampleProgress? = nil) {
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.concurrency = concurrency
        self.timeoutSeconds = timeoutSeconds
        self.apiKey = apiKey
        self.progress = progress
    }

    /// Runs every sample; throws only when the manager cannot be reached before the first request.
    func run(_ suite: SampleSuite, order: [String]) async throws -> SampleReport {
        var configuration = HTTPClient.Configuration()
        // A refused connection fails the request at once instead of being retried until the
        // connect timeout: against one manager, refused means it is not running.
        configuration.connectionPool.retryConnectionEstablishment = false
        configuration.timeout.connect = .seconds(10)
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        do {
            let report = try await run(suite, order: order, client: client)
            try? await client.shutdown()
            return report
        } catch {
            try? await client.shutdown()
            throw error
        }
    }

    private func run(_ suite: SampleSuite, order: [String], client: HTTPClient) async throws -> SampleReport {
        try await checkReachable(client: client)
        progress?.note("selfheal samples: \(suite.samples.count) requests to \(baseURL), \(concurrency) at a time")
        let startedAt = Date()
        let clock = ContinuousClock.now
        let samples = suite.samples
        var results: [SampleResult] = []
        var stoppedEarly: String?
        var unanswered = 0
        await withTaskGroup(of: SampleResult?.self) { group in
            var next = 0
            var passed = 0
            var errors = 0
            func submit() {
                let sample = samples[next]
                next += 1
                group.addTask { await send(sample, client: client) }
            }
            while next < min(concurrency, samples.count) { submit() }
            while let finished = await group.next() {
                // nil: in flight when the run stopped, cancelled without an answer.
                guard let result = finished else { unanswered += 1; continue }
                results.append(result)
                if result.passed { passed += 1 }
                if result.error != nil { errors += 1 }
                progress?.finished(result, done: results.count, passed: passed, errors: errors)
                if result.isTransportError, stoppedEarly == nil {
                    unanswered += samples.count - next
                    stoppedEarly = "stopped after a request got no answer (\(result.error ?? "transport error"))"
                    group.cancelAll()
                }
                if stoppedEarly == nil, next < samples.count { submit() }
            }
        }
        if let reason = stoppedEarly {
            stoppedEarly = "\(reason); \(unanswered) sample(s) not sent or not answered"
            progress?.interrupted()
        }
        return SampleReport(
            url: baseURL, startedAt: startedAt, durationMs: (ContinuousClock.now - clock).inMilliseconds,
            concurrency: concurrency, order: order, results: results, stoppedEarly: stoppedEarly
        )
    }

    /// One quick `GET /health` first: a wrong URL or a stopped server is one clear line at once,
    /// not a timeout per sample. Any HTTP answer, even 503, means something is listening.
    func checkReachable(client: HTTPClient) async throws {
        var request = HTTPClientRequest(url: baseURL + "/health")
        authorize(&request)
        do {
            let response = try await client.execute(request, timeout: .seconds(10))
            _ = try await response.body.collect(upTo: 1 << 20)
        } catch {
            throw UsageError("cannot reach the manager at \(baseURL): \(Self.describe(error)) (is it running? start one with 'make run', or pass --url)")
        }
    }

    /// Sends one sample; nil when the run was cancelled before it got an answer.
    func send(_ sample: Sample, client: HTTPClient) async -> SampleResult? {
        var result = SampleResult(
            category: sample.category, index: sample.index, userInput: Self.truncate(sample.userInput, to: 200),
            statusCode: nil, passed: false, finalScore: nil, latencyMs: 0, error: nil, requestId: nil
        )
        var request = HTTPClientRequest(url: baseURL + "/api/v1/request")
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        authorize(&request)
        let start = ContinuousClock.now
        do {
            request.body = .bytes(ByteBuffer(data: try JSONSerialization.data(withJSONObject: sample.body)))
            let response = try await client.execute(request, timeout: .seconds(timeoutSeconds))
            let body = try await response.body.collect(upTo: 16 << 20)
            result.latencyMs = (ContinuousClock.now - start).inMilliseconds
            result.statusCode = Int(response.status.code)
            let json = (try? JSONSerialization.jsonObject(with: Data(body.readableBytesView))) as? [String: Any] ?? [:]
            if response.status.code == 200 {
                let evaluation = json["evaluation"] as? [String: Any]
                result.passed = evaluation?["passed"] as? Bool ?? false
                result.finalScore = (evaluation?["final_score"] as? NSNumber)?.doubleValue
                result.requestId = json["request_id"] as? String
                if evaluation == nil { result.error = "the answer has no evaluation" }
            } else {
                let error = json["error"] as? [String: Any]
                let code = error?["code"] as? String ?? "http_error"
                result.error = "\(response.status.code) \(code): \(error?["message"] as? String ?? response.status.reasonPhrase)"
            }
        } catch {
            if Task.isCancelled { return nil }
            result.latencyMs = (ContinuousClock.now - start).inMilliseconds
            result.error = Self.describe(error)
        }
        return result
    }

    private func authorize(_ request: inout HTTPClientRequest) {
        if let apiKey { request.headers.add(name: "Authorization", value: "Bearer \(apiKey)") }
    }

    /// A transport failure in a few words; NIO's descriptions name types, not causes.
    static func describe(_ error: any Error) -> String {
        if let error = error as? HTTPClientError {
            switch error {
            case .deadlineExceeded, .readTimeout: return "no answer within the timeout"
            case .connectTimeout: return "connection timed out"
            case .remoteConnectionClosed: return "the server closed the connection"
            default: break
            }
        }
        let text = String(describing: error)
        if text.localizedCaseInsensitiveContains("connection refused") { return "connection refused" }
        if text.localizedCaseInsensitiveContains("connection reset") { return "connection reset" }
        for hint in ["unknown host", "name or service not known", "temporary failure in name resolution", "no address"]
        where text.localizedCaseInsensitiveContains(hint) {
            return "host not found"
        }
        return truncate(text, to: 200)
    }

    static func truncate(_ text: String, to limit: Int) -> String {
        text.count > limit ? String(text.prefix(limit - 1)) + "…" : text
    }
}

extension Duration {
    var inMilliseconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) * 1000 + Double(attoseconds) / 1e15
    }
}
