import Foundation
import SelfHealCommands
import SelfHealCore
import SelfHealRoles
@testable import SelfHealServer
import SelfHealStore
import Testing

@Suite("Credentials, rate limits and the concurrency bound")
struct SecurityTests {
    static let secured = SecuritySettings(
        apiKeys: ["client-key-1", "client-key-2"], adminToken: "admin-secret", serviceToken: "service-secret",
        rateLimitPerMinute: 0, maxConcurrentRequests: 256
    )

    func bearer(_ token: String) -> [String: String] { ["Authorization": "Bearer \(token)"] }

    @Test("each kind of route needs its own credential; health and metrics stay open")
    func credentials() async throws {
        let database = try TempDatabase()
        defer { database.cleanup() }
        var config = testConfig(.all, database: database)
        config.security = Self.secured
        try await withRoutes(config) { role in
            let body = json(["user_input": "Write a fibonacci function"])

            let anonymous = try await role.fetch(path: "/api/v1/request", body: body)
            #expect(anonymous.status == 401)
            #expect(anonymous.errorMessage?.contains("SELFHEAL_API_KEYS") == true)
            #expect(anonymous.headers["www-authenticate"] == "Bearer")

            let wrong = try await role.fetch(path: "/api/v1/request", body: body, headers: bearer("guess-123"))
            #expect(wrong.status == 401)
            #expect(!String(decoding: wrong.body, as: UTF8.self).contains("guess-123"))

            #expect(try await role.fetch(path: "/api/v1/request", body: body, headers: bearer("client-key-2")).status == 200)

            // Prompt administration: the admin token, not a client key.
            #expect(try await role.fetch(.GET, path: "/api/v1/prompts", headers: bearer("client-key-1")).status == 401)
            #expect(try await role.fetch(.GET, path: "/api/v1/prompts", headers: bearer("admin-secret")).status == 200)
            // Stats: a client key or the admin token.
            #expect(try await role.fetch(.GET, path: "/api/v1/stats/summary", headers: bearer("client-key-1")).status == 200)
            #expect(try await role.fetch(.GET, path: "/api/v1/stats/summary").status == 401)
            // Role to role: the service token.
            let generate = json(["task_type": "code_generation", "user_input": "Reverse a string"])
            #expect(try await role.fetch(path: "/api/v1/generate", body: generate, headers: bearer("client-key-1")).status == 401)
            #expect(try await role.fetch(path: "/api/v1/generate", body: generate, headers: bearer("service-secret")).status == 200)

            let health = try await role.fetch(.GET, path: "/health")
            #expect(health.status == 200)
            let healthText = String(decoding: health.body, as: UTF8.self)
            for secret in ["client-key-1", "admin-secret", "service-secret"] {
                #expect(!healthText.contains(secret))
            }
            #expect(try await role.fetch(.GET, path: "/metrics").status == 200)
        }
    }

    @Test("split roles authenticate to each other with the service token")
    func serviceToken() async throws {
        let database = try TempDatabase()
        defer { database.cleanup() }
        var workerConfig = testConfig(.worker, database: database)
        workerConfig.security = Self.secured
        var evaluatorConfig = testConfig(.evaluator, database: database)
        evaluatorConfig.security = Self.secured
        try await withRoles { roles in
            let worker = try await roles.start(workerConfig)
            let evaluator = try await roles.start(evaluatorConfig)

            var managerConfig = testConfig(
                .manager, database: database, workerURL: "http://127.0.0.1:\(worker.port)", evaluatorURL: "http://127.0.0.1:\(evaluator.port)"
            )
            managerConfig.security = Self.secured
            managerConfig.serviceToken = "service-secret"
            let manager = try await roles.start(managerConfig)
            let answer = try await fetch(port: manager.port, path: "/api/v1/request", body: json(["user_input": "Write a factorial function"]), headers: bearer("client-key-1"))
            #expect(answer.status == 200)

            // A manager without the token is refused by the worker, and says so.
            var lostConfig = managerConfig
            lostConfig.serviceToken = nil
            let lost = try await roles.start(lostConfig)
            let refused = try await fetch(port: lost.port, path: "/api/v1/request", body: json(["user_input": "Write a factorial function"]), headers: bearer("client-key-1"))
            #expect(refused.status == 502)
            #expect(refused.errorMessage?.contains("worker failed") == true)
            #expect(refused.errorMessage?.contains("SELFHEAL_SERVICE_TOKEN") == true)
        }
    }

    @Test("a client key over its rate limit gets 429 with Retry-After; other keys are unaffected")
    func rateLimit() async throws {
        let database = try TempDatabase()
        defer { database.cleanup() }
        var config = testConfig(.all, database: database)
        config.security = Self.secured
        config.security.rateLimitPerMinute = 3
        try await withRoutes(config) { role in
            let body = json(["user_input": "Reverse a string"])
            for _ in 0..<3 {
                #expect(try await role.fetch(path: "/api/v1/request", body: body, headers: bearer("client-key-1")).status == 200)
            }
            let limited = try await role.fetch(path: "/api/v1/request", body: body, headers: bearer("client-key-1"))
            #expect(limited.status == 429)
            #expect(Int(limited.headers["retry-after"] ?? "") ?? 0 >= 1)
            #expect(limited.errorCode == "rate_limited")
            #expect(try await role.fetch(path: "/api/v1/request", body: body, headers: bearer("client-key-2")).status == 200)
        }
    }

    @Test("past the concurrency bound a request gets 503 at once, not a queue")
    func concurrencyBound() async throws {
        let database = try TempDatabase()
        defer { database.cleanup() }
        let store = try await SQLiteStore.open(path: database.directory.appendingPathComponent("selfheal.db").path, logger: quietLogger)
        try await store.migrate()
        let started = AsyncStream.makeStream(of: Void.self)
        let manager = Manager(generator: SlowGenerator(started: started.continuation), evaluator: FixedEvaluator(), store: store, logger: quietLogger)
        var security = SecuritySettings.open
        security.maxConcurrentRequests = 1
        let router = buildRouter(
            role: .manager, parts: RoleParts(manager: manager, health: HealthReporter(role: "manager", version: "test", store: store, rules: nil)),
            taskTypes: .defaults, limits: .defaults, security: security
        )
        try await withRoutes(assembled: AssembledRole(router: router, services: [], store: store), testConfig(.manager, database: database)) { role in

            async let slow = role.fetch(path: "/api/v1/request", body: json(["user_input": "slow one"]))
            var iterator = started.stream.makeAsyncIterator()
            await iterator.next()
            let refused = try await role.fetch(path: "/api/v1/request", body: json(["user_input": "second"]))
            #expect(refused.status == 503)
            #expect(refused.errorCode == "overloaded")
            #expect(try await role.fetch(.GET, path: "/health").status == 200)
            #expect(try await slow.status == 200)
        }
    }

    @Test func constantTimeComparison() {
        #expect(ConstantTime.equals("abc", "abc"))
        #expect(!ConstantTime.equals("abc", "abd"))
        #expect(!ConstantTime.equals("abc", "abcd"))
        #expect(!ConstantTime.equals("", "a"))
        // Lengths 3 and 259 differ only above the low byte; the extra bytes match the padding.
        #expect(!ConstantTime.equals("abc", "abc" + String(repeating: "\u{0}", count: 256)))
        #expect(!ConstantTime.equals(String(repeating: "\u{0}", count: 512), ""))
    }
}
