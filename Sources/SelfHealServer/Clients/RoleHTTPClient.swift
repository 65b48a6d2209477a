public import AsyncHTTPClient
import Foundation
public import NIOCore
import NIOFoundationEssentialsCompat
import NIOHTTP1
public import SelfHealCore
import SelfHealRoles

/// POSTs JSON to another role and decodes its answer, turning transport failures and
/// error answers into `RoleCallError`s that name the role and its URL.
public struct RoleHTTPClient: Sendable {
    let client: HTTPClient
    let role: String
    let baseURL: String
    let serviceToken: String?
    let timeout: TimeAmount

    /// For clients that call other roles: a refused connection fails at once instead of being
    /// retried quietly until the connect timeout, so a dead worker is a fast, clear 503.
    public static var configuration: HTTPClient.Configuration {
        var configuration = HTTPClient.Configuration()
        configuration.timeout = .init(connect: .seconds(5))
        configuration.connectionPool.retryConnectionEstablishment = false
        configuration.tracing.tracer = nil  // no tracer installed: no no-op span per call (as LLMHTTPClient)
        return configuration
    }

    public init(client: HTTPClient, role: String, baseURL: String, serviceToken: String?, timeout: TimeAmount = .seconds(180)) {
        self.client = client
        self.role = role
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.serviceToken = serviceToken
        self.timeout = timeout
    }

    /// `requestId`: the manager's request id, sent as `X-Request-Id` so the called role's log
    /// lines carry it.
    func post<Output: Decodable>(_ path: String, body: some Encodable, requestId: String?, as: Output.Type) async throws -> Output {
        let url = baseURL + path
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        if let requestId { request.headers.add(name: RequestIdHeader.name, value: requestId) }
        if let serviceToken { request.headers.add(name: "Authorization", value: "Bearer \(serviceToken)") }
        request.body = .bytes(ByteBuffer(data: JSONResponse.data(body)))

        let response: HTTPClientResponse
        let bytes: ByteBuffer
        do {
            response = try await client.execute(request, timeout: timeout)
            bytes = try await response.body.collect(upTo: 16 << 20)
        } catch let error as HTTPClientError where error == .deadlineExceeded || error == .readTimeout {
            throw RoleCallError(role: role, url: url, kind: .timeout, message: "no answer within \(timeout.nanoseconds / 1_000_000_000) s")
        } catch {
            throw RoleCallError(role: role, url: url, kind: .unreachable, message: "\(error)")
        }
        let data = Data(bytes.readableBytesView)
        guard (200..<300).contains(response.status.code) else {
            let detail = try? JSONDecoder().decode(APIError.ErrorBody.self, from: data)
            throw RoleCallError(
                role: role, url: url,
                kind: .failed(status: Int(response.status.code), code: detail?.error.code ?? "\(role)_error"),
                message: detail?.error.message ?? "HTTP \(response.status.code)"
            )
        }
        do {
            return try JSONResponse.decoder().decode(Output.self, from: data)
        } catch {
            throw RoleCallError(role: role, url: url, kind: .malformed, message: "\(error)")
        }
    }
}

/// The worker, reached over HTTP.
public struct HTTPGenerating: Generating {
    let http: RoleHTTPClient

    public init(client: HTTPClient, baseURL: String, serviceToken: String?) {
        self.http = RoleHTTPClient(client: client, role: "worker", baseURL: baseURL, serviceToken: serviceToken)
    }

    public func generate(_ request: GenerateRequest) async throws -> GenerateResponse {
        try await http.post("/api/v1/generate", body: request, requestId: request.requestId, as: GenerateResponse.self)
    }
}

/// The evaluator, reached over HTTP.
public struct HTTPEvaluating: Evaluating {
    let http: RoleHTTPClient

    public init(client: HTTPClient, baseURL: String, serviceToken: String?) {
        self.http = RoleHTTPClient(client: client, role: "evaluator", baseURL: baseURL, serviceToken: serviceToken)
    }

    public func evaluate(_ request: EvaluateRequest) async throws -> Evaluation {
        try await http.post("/api/v1/evaluate", body: request, requestId: request.requestId, as: Evaluation.self)
    }
}
