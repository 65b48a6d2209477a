import Foundation
import SelfHealCommands
import SelfHealCore
import SelfHealPostgres
import SelfHealRoles
import SelfHealServer
import Testing

/// The split deployment: manager, worker and evaluator as separate servers on one PostgreSQL.
/// `make test` provides the database; CI must not skip this.
@Suite(
    "Split roles on one PostgreSQL",
    .enabled(
        if: ProcessInfo.processInfo.environment["SELFHEAL_TEST_DATABASE_URL"] != nil || ProcessInfo.processInfo.environment["CI"] != nil,
        "set SELFHEAL_TEST_DATABASE_URL (make test does) to run"
    )
)
struct PostgresRolesTests {
    @Test func threeRolesServeAndTheStatsReflectThem() async throws {
        let url = try #require(ProcessInfo.processInfo.environment["SELFHEAL_TEST_DATABASE_URL"], "CI is set but no PostgreSQL was provided")
        let scratch = try TempDatabase()  // only for the shape of the config; the store is PostgreSQL
        defer { scratch.cleanup() }
        func config(_ role: Role) -> RoleConfiguration {
            var config = testConfig(role, database: scratch)
            config.databaseURL = url
            return config
        }
        try await withRoles { roles in
            let worker = try await roles.start(config(.worker))
            let evaluator = try await roles.start(config(.evaluator))
            var managerConfig = config(.manager)
            managerConfig.workerURL = "http://127.0.0.1:\(worker.port)"
            managerConfig.evaluatorURL = "http://127.0.0.1:\(evaluator.port)"
            let manager = try await roles.start(managerConfig)

            // The database may hold rows from other runs: count the difference.
            let before = try await fetch(.GET, port: evaluator.port, path: "/api/v1/stats/summary?hours=1").json["total"] as? Int ?? 0
            var requestIds: [String] = []
            for input in ["Write a fibonacci function", "Write a factorial function", "Reverse a string"] {
                let answer = try await fetch(port: manager.port, path: "/api/v1/request", body: json(["user_input": input]))
                #expect(answer.status == 200, "\(String(decoding: answer.body, as: UTF8.self))")
                if let id = answer.json["request_id"] as? String { requestIds.append(id) }
            }
            let after = try await fetch(.GET, port: evaluator.port, path: "/api/v1/stats/summary?hours=1")
            #expect(after.json["total"] as? Int == before + 3)

            let store = try #require(evaluator.store)
            let logs = try await store.recentLogs(taskType: nil, since: Date().addingTimeInterval(-600), limit: 100)
            #expect(Set(requestIds).isSubset(of: Set(logs.map(\.requestId))))
            let health = try await fetch(.GET, port: manager.port, path: "/health")
            #expect((health.json["store"] as? [String: Any])?["reachable"] as? Bool == true)
        }
    }

    @Test(
        "the role's group runs the PostgreSQL pool: an in-flight request finishes and is recorded while the role shuts down",
        .timeLimit(.minutes(2))
    )
    func poolOutlivesInFlightRequests() async throws {
        let url = try #require(ProcessInfo.processInfo.environment["SELFHEAL_TEST_DATABASE_URL"], "CI is set but no PostgreSQL was provided")
        let scratch = try TempDatabase()
        defer { scratch.cleanup() }
        let store = try PostgresStore.unstarted(url: url, logger: quietLogger)
        let started = AsyncStream.makeStream(of: Void.self)
        let manager = Manager(generator: SlowGenerator(started: started.continuation), evaluator: FixedEvaluator(), store: store, logger: quietLogger)
        let router = buildRouter(
            role: .manager, parts: RoleParts(manager: manager, health: HealthReporter(role: "manager", version: "test", store: store, rules: nil)),
            taskTypes: .defaults, limits: .defaults
        )
        let assembled = AssembledRole(router: router, services: [store.pool], store: store) {
            try await store.waitUntilReachable()
            try await store.migrate()
        }
        try await withRoles { roles in
            let role = try await roles.adopt(RunningRole.start(assembled: assembled, config: testConfig(.manager, database: scratch), logger: quietLogger))
            let health = try await fetch(.GET, port: role.port, path: "/health")
            #expect((health.json["store"] as? [String: Any])?["reachable"] as? Bool == true)

            async let inFlight = fetch(port: role.port, path: "/api/v1/request", body: json(["user_input": "slow please"]))
            var iterator = started.stream.makeAsyncIterator()
            await iterator.next()  // the generator is working on the request
            await role.shutdown()
            let answer = try await inFlight
            #expect(answer.status == 200, "\(String(decoding: answer.body, as: UTF8.self))")

            // Read back through a store of its own: the role's pool has stopped with its group.
            let reader = try await PostgresStore.open(url: url, logger: quietLogger)
            let requestId = try #require(answer.json["request_id"] as? String)
            let logs = try await reader.recentLogs(taskType: nil, since: Date().addingTimeInterval(-600), limit: 200)
            try await reader.close()
            #expect(logs.contains { $0.requestId == requestId })
        }
    }
}
