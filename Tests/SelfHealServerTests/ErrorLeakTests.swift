import Foundation
import SelfHealCommands
import SelfHealCore
@testable import SelfHealServer
import SelfHealTestSupport
import Testing

/// A client's error names the problem in its own terms; where it happened (database files,
/// hosts, users, internal role URLs) is for the server's log only. Each test provokes a real
/// failure and reads every error body a client could get from it.
@Suite("Error bodies carry no internals", .timeLimit(.minutes(3)))
struct ErrorLeakTests {
    /// What an error body must never contain, beyond the test's own secrets.
    static let internals = ["/tmp", "selfheal.db", "sqlite:", "postgres://", "http://", "127.0.0.1", "localhost", "@"]

    static func expectClean(_ answer: HTTPAnswer, _ label: String, also forbidden: [String] = []) {
        let body = String(decoding: answer.body, as: UTF8.self)
        #expect(answer.status >= 400, "\(label) answered \(answer.status): \(body)")
        for fragment in internals + forbidden {
            #expect(!body.contains(fragment), "\(label) (\(answer.status)) gives away '\(fragment)': \(body)")
        }
    }

    @Test("database file removed and its store gone: every route answers without the path")
    func sqliteGone() async throws {
        let database = try TempDatabase()
        defer { database.cleanup() }
        try await withRoutes(testConfig(.all, database: database)) { role in
            #expect(try await role.fetch(path: "/api/v1/request", body: json(["user_input": "Write a function that adds two numbers"])).status == 200)
            try FileManager.default.removeItem(at: database.directory)
            // An open SQLite file outlives its directory entry; closing the store makes the loss real.
            try await role.store?.close()
            let forbidden = [database.directory.path, database.directory.lastPathComponent]
            let request = try await role.fetch(path: "/api/v1/request", body: json(["user_input": "Write a function that adds two numbers"]))
            #expect(request.status == 503 && request.errorCode == "store_unavailable", "\(request.status) \(request.errorCode ?? "")")
            #expect(request.errorMessage?.contains("database") == true)
            Self.expectClean(request, "POST /api/v1/request", also: forbidden)
            let chat = json(["model": "code_generation", "messages": [["role": "user", "content": "Write a function that adds two numbers"]]])
            Self.expectClean(try await role.fetch(path: "/v1/chat/completions", body: chat), "POST /v1/chat/completions", also: forbidden)
            for path in ["/api/v1/prompts", "/api/v1/prompts/1", "/api/v1/optimizer/runs", "/api/v1/stats/summary", "/api/v1/stats/recent-failures", "/api/v1/stats/timeline", "/health"] {
                Self.expectClean(try await role.fetch(.GET, path: path), "GET \(path)", also: forbidden)
            }
            let prompt = json(["task_type": "code_generation", "text": "You write Python.", "status": "active"])
            Self.expectClean(try await role.fetch(path: "/api/v1/prompts", body: prompt), "POST /api/v1/prompts", also: forbidden)
        }
    }

    @Test("worker and evaluator unreachable: the manager names the role, never its address")
    func rolesUnreachable() async throws {
        let database = try TempDatabase()
        defer { database.cleanup() }
        try await withRoles { roles in
            let worker = try await roles.start(testConfig(.worker, database: database))
            let refusingWorker = try RefusingPort(), refusingEvaluator = try RefusingPort()
            defer { refusingWorker.close(); refusingEvaluator.close() }
            let deadWorker = refusingWorker.port, deadEvaluator = refusingEvaluator.port
            let noWorker = try await roles.start(
                testConfig(.manager, database: database, workerURL: "http://127.0.0.1:\(deadWorker)", evaluatorURL: "http://127.0.0.1:\(deadEvaluator)")
            )
            let noEvaluator = try await roles.start(
                testConfig(.manager, database: database, workerURL: "http://127.0.0.1:\(worker.port)", evaluatorURL: "http://127.0.0.1:\(deadEvaluator)")
            )
            do {
                let body = json(["user_input": "Write a function that adds two numbers"])
                let chat = json(["model": "code_generation", "messages": [["role": "user", "content": "Write a function that adds two numbers"]]])
                for (manager, role) in [(noWorker, "worker"), (noEvaluator, "evaluator")] {
                    let ports = ["\(deadWorker)", "\(deadEvaluator)", "\(worker.port)"]
                    let answer = try await fetch(port: manager.port, path: "/api/v1/request", body: body)
                    #expect(answer.errorCode == "\(role)_unavailable")
                    #expect(answer.errorMessage?.contains(role) == true)
                    Self.expectClean(answer, "POST /api/v1/request without the \(role)", also: ports)
                    Self.expectClean(try await fetch(port: manager.port, path: "/v1/chat/completions", body: chat), "chat without the \(role)", also: ports)
                    // The logged error is what readers of the stats API see of that failure: as clean.
                    let logged = try await #require(manager.store).recentLogs(taskType: nil, since: .distantPast, limit: 10)
                    for log in logged {
                        for fragment in Self.internals + ports {
                            #expect(log.error?.contains(fragment) != true, "the logged error gives away '\(fragment)': \(log.error ?? "")")
                        }
                    }
                }
            } catch {
                await noWorker.shutdown()
                await noEvaluator.shutdown()
                await worker.shutdown()
                throw error
            }
        }
    }
}
