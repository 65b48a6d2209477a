import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOFoundationEssentialsCompat
import NIOHTTP1
import SelfHealCommands
import SelfHealCore
import SelfHealLLM
import SelfHealServer
import SelfHealSimulated
import Synchronization

/// The repository root, found from this file's path, so tests use the shipped `rules/`.
let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
let shippedRules = repositoryRoot.appendingPathComponent("rules").path

let quietLogger = Logger(label: "selfheal.test", factory: { _ in SwiftLogNoOpLogHandler() })

/// A fresh temporary folder holding one SQLite database, removed by `cleanup()`.
struct TempDatabase {
    let directory: URL

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("selfheal-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    var url: String { "sqlite:\(directory.path)/selfheal.db" }

    func cleanup() {
        try? FileManager.default.removeItem(at: directory)
    }
}

/// A role configuration for tests: ephemeral port, the given database, the shipped rules.
func testConfig(_ role: Role, database: TempDatabase, workerURL: String? = nil, evaluatorURL: String? = nil) -> RoleConfiguration {
    var config = RoleConfiguration(role: role, port: 0, databaseURL: database.url, rulesDirectory: shippedRules)
    if let workerURL { config.workerURL = workerURL }
    if let evaluatorURL { config.evaluatorURL = evaluatorURL }
    return config
}

func startRole(_ config: RoleConfiguration) async throws -> RunningRole {
    try await RunningRole.start(config: config, providers: LLMProviders(SimulatedProvider()), logger: quietLogger)
}

/// The roles one test starts. `withRoles` shuts each down when the test ends however it ends, so
/// a failed `#require` or a thrown error never leaves a server running into the next test.
final class RoleScope: Sendable {
    private let started = Mutex<[RunningRole]>([])

    /// Starts a role with the simulated provider (see `startRole`).
    func start(_ config: RoleConfiguration) async throws -> RunningRole {
        adopt(try await startRole(config))
    }

    /// A role started some other way, to be shut down with the rest.
    @discardableResult
    func adopt(_ role: RunningRole) -> RunningRole {
        started.withLock { $0.append(role) }
        return role
    }

    /// Last started, first stopped (a manager before the worker it calls). Shutting down a role
    /// the test already shut down does nothing.
    fileprivate func shutdownAll() async {
        for role in started.withLock({ $0 }).reversed() {
            await role.shutdown()
        }
    }
}

/// Runs `body` with a `RoleScope` and shuts every role it started, also when `body` throws.
func withRoles<T>(_ body: (RoleScope) async throws -> T) async throws -> T {
    let scope = RoleScope()
    do {
        let result = try await body(scope)
        await scope.shutdownAll()
        return result
    } catch {
        await scope.shutdownAll()
        throw error
    }
}

/// A JSON answer: status, headers, and the body parsed as an object when it is one.
struct HTTPAnswer {
    var status: Int
    var headers: [String: String]
    var body: Data

    var json: [String: Any] {
        (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] ?? [:]
    }

    var errorCode: String? { (json["error"] as? [String: Any])?["code"] as? String }
    var errorMessage: String? { (json["error"] as? [String: Any])?["message"] as? String }
}

let sharedClient = HTTPClient(eventLoopGroupProvider: .singleton)

/// The HTTP methods the tests use (NIO's own type is not imported here).
enum Method {
    case GET
    case POST
}

func fetch(_ method: Method = .POST, port: Int, path: String, body: Data? = nil, headers: [String: String] = [:]) async throws -> HTTPAnswer {
    var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)\(path)")
    request.method = method == .GET ? .GET : .POST
    if let body {
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .bytes(ByteBuffer(data: body))
    }
    for (name, value) in headers { request.headers.add(name: name, value: value) }
    let response = try await sharedClient.execute(request, timeout: .seconds(60))
    let bytes = try await response.body.collect(upTo: 16 << 20)
    var responseHeaders: [String: String] = [:]
    for header in response.headers { responseHeaders[header.name.lowercased()] = header.value }
    return HTTPAnswer(status: Int(response.status.code), headers: responseHeaders, body: Data(bytes.readableBytesView))
}

func json(_ object: [String: Any]) -> Data {
    try! JSONSerialization.data(withJSONObject: object)
}

