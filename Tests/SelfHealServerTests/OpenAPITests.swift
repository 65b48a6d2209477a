import Foundation
import Hummingbird
import SelfHealCommands
import SelfHealCore
import SelfHealRoles
@testable import SelfHealServer
import SelfHealStore
import Testing

@Suite("The OpenAPI document matches the routes")
struct OpenAPITests {
    @Test("every route of --role all is documented, and every documented path is a route")
    func documentMatchesRoutes() async throws {
        let database = try TempDatabase()
        defer { database.cleanup() }
        let store = try await SQLiteStore.open(path: database.directory.appendingPathComponent("selfheal.db").path, logger: quietLogger)
        defer { Task { try? await store.close() } }
        let (_, continuation) = AsyncStream.makeStream(of: Void.self)
        let manager = Manager(generator: SlowGenerator(started: continuation), evaluator: FixedEvaluator(), store: store, logger: quietLogger)
        let router = buildRouter(
            role: .all,
            parts: RoleParts(
                manager: manager, worker: SlowGenerator(started: continuation), evaluator: FixedEvaluator(), stats: store,
                health: HealthReporter(role: "all", version: "test", store: store, rules: nil)
            ),
            taskTypes: .defaults, limits: .defaults
        )
        let served = Set(router.routes.map { "\($0.method.rawValue) \($0.path.description)" })
        let documented = OpenAPIDocument.documentedRoutes
        #expect(served.subtracting(documented).isEmpty, "undocumented routes: \(served.subtracting(documented).sorted())")
        #expect(documented.subtracting(served).isEmpty, "documented but not served: \(documented.subtracting(served).sorted())")
    }

    @Test("/openapi.json is valid JSON naming every path, served without credentials")
    func servedDocument() async throws {
        let database = try TempDatabase()
        defer { database.cleanup() }
        var config = testConfig(.all, database: database)
        config.security = SecuritySettings(apiKeys: ["k"], adminToken: "a", serviceToken: "s", rateLimitPerMinute: 0, maxConcurrentRequests: 10)
        try await withRoutes(config) { role in
            let answer = try await role.fetch(.GET, path: "/openapi.json")
            #expect(answer.status == 200)
            #expect(answer.json["openapi"] as? String == "3.1.0")
            let paths = try #require(answer.json["paths"] as? [String: Any])
            #expect(paths.keys.contains("/api/v1/request") && paths.keys.contains("/api/v1/prompts/{id}/activate"))
            let request = try #require((paths["/api/v1/request"] as? [String: Any])?["post"] as? [String: Any])
            #expect(request["requestBody"] != nil)
        }
    }
}
