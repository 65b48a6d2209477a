import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import SelfHealCore

/// The HTTP part every real provider shares: one JSON POST, the answer's status and body,
/// and transport failures turned into `LLMAttemptError`s that name the provider and never
/// carry the key.
struct HTTPExchange: Sendable {
    let provider: String
    let client: HTTPClient
    let redactor: SecretRedactor
    /// Largest answer accepted; a chat completion is a few kilobytes.
    var maxResponseBytes = 8 << 20
    /// Takes the calls to `http://` URLs (a model server, a gateway); nil: `client` takes all.
    var plainClient: PlainHTTPClient? = .shared

    /// Every call sends and accepts JSON.
    private static let jsonHeaders = [("Content-Type", "application/json"), ("Accept", "application/json")]

    struct Answer {
        var status: Int
        var headers: HTTPHeaders
        var body: Data
    }

    /// The target the plain-HTTP client takes `url` to, nil when AsyncHTTPClient takes it
    /// (https). A provider whose URL does not change parses it once.
    func plainTarget(for url: String) -> PlainHTTPTarget? {
        plainClient == nil ? nil : PlainHTTPTarget(url: url)
    }

    /// POSTs `body` to `url`. Over plain HTTP (`target`, from `plainTarget(for: url)`) the
    /// deadline bounds the whole exchange, the answer's body included; otherwise it bounds
    /// waiting for the answer's head, and the caller's timeout (task cancellation) the rest.
    func post(url: String, target: PlainHTTPTarget?, headers: [(String, String)], body: Data, deadline: Duration) async throws -> Answer {
        if let plainClient, let target {
            return try await post(target, url: url, client: plainClient, headers: headers, body: body, deadline: deadline)
        }
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        for (name, value) in Self.jsonHeaders + headers { request.headers.add(name: name, value: value) }
        request.body = .bytes(ByteBuffer(bytes: body))
        do {
            let response = try await client.execute(request, timeout: .nanoseconds(deadline.nanoseconds))
            let bytes = try await response.body.collect(upTo: maxResponseBytes)
            return Answer(status: Int(response.status.code), headers: response.headers, body: bytes.withUnsafeReadableBytes { Data($0) })
        } catch let error as NIOTooManyBytesError {
            throw failure(.malformed, "the answer exceeds \(maxResponseBytes) bytes", detail: "\(url): \(error)")
        } catch is CancellationError {
            throw CancellationError()
        } catch let error as HTTPClientError where Self.isTimeout(error) {
            throw failure(.timeout, "no answer within \(deadline.secondsText)", detail: url)
        } catch let error as HTTPClientError where error == .cancelled && Task.isCancelled {
            throw CancellationError()
        } catch {
            throw failure(.unavailable, "the provider cannot be reached", detail: "\(url): \(error)")
        }
    }

    private func post(
        _ target: PlainHTTPTarget, url: String, client: PlainHTTPClient, headers: [(String, String)], body: Data, deadline: Duration
    ) async throws -> Answer {
        do {
            let response = try await client.post(
                target, headers: Self.jsonHeaders + headers, body: ByteBuffer(bytes: body), timeout: deadline, maxResponseBytes: maxResponseBytes
            )
            // One copy of the bytes: `Data(readableBytesView)` went through a dynamic cast too.
            return Answer(status: response.status, headers: response.headers, body: response.body.withUnsafeReadableBytes { Data($0) })
        } catch PlainHTTPClient.Failure.tooLarge {
            throw failure(.malformed, "the answer exceeds \(maxResponseBytes) bytes", detail: url)
        } catch PlainHTTPClient.Failure.timedOut {
            throw failure(.timeout, "no answer within \(deadline.secondsText)", detail: url)
        } catch is CancellationError {
            throw CancellationError()
        } catch PlainHTTPClient.Failure.connection(let why) {
            throw failure(.unavailable, "the provider cannot be reached", detail: "\(url): \(why)")
        } catch {
            if Task.isCancelled { throw CancellationError() }
            throw failure(.unavailable, "the provider cannot be reached", detail: "\(url): \(error)")
        }
    }

    /// The error for an answer whose status is not 2xx, with the server's own message.
    func failure(for answer: Answer, url: String, serverMessage: String?) -> LLMAttemptError {
        let status = answer.status
        let said = serverMessage.map { ": \($0)" } ?? ""
        switch status {
        case 429:
            return LLMAttemptError(
                LLMError(.rateLimited, provider: provider, message: redactor.clean("rate limited (HTTP 429)\(said)"), detail: url),
                retryAfter: RetryAfter.parse(answer.headers), status: status
            )
        case 500...599:
            return LLMAttemptError(
                LLMError(.unavailable, provider: provider, message: redactor.clean("HTTP \(status)\(said)"), detail: url),
                retryAfter: RetryAfter.parse(answer.headers), status: status
            )
        case 401, 403:
            let hint = " (check LLM_API_KEY)"
            return LLMAttemptError(
                LLMError(.rejected, provider: provider, message: redactor.clean("HTTP \(status)\(said)\(hint)"), detail: url), status: status
            )
        default:
            return LLMAttemptError(
                LLMError(.rejected, provider: provider, message: redactor.clean("HTTP \(status)\(said)"), detail: url), status: status
            )
        }
    }

    /// `message` goes to the client; `detail` (the endpoint, the transport's error) to the log only.
    func failure(_ kind: LLMError.Kind, _ message: String, detail: String) -> LLMAttemptError {
        LLMAttemptError(LLMError(kind, provider: provider, message: redactor.clean(message), detail: redactor.clean(detail)))
    }

    private static func isTimeout(_ error: HTTPClientError) -> Bool {
        error == .deadlineExceeded || error == .readTimeout || error == .writeTimeout
    }
}

extension Duration {
    var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }

    var secondsValue: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }

    /// "2.5 s", for messages a person reads.
    var secondsText: String {
        let value = secondsValue
        return value == value.rounded() ? "\(Int(value)) s" : "\((value * 100).rounded() / 100) s"
    }
}
