import Foundation
import SelfHealCommands
import SelfHealCore
import SelfHealServer
import Testing

@Suite("The evaluator's stats API reflects the requests served")
struct StatsAPITests {
    @Test func statsReflectServedRequests() async throws {
        let database = try TempDatabase()
        defer { database.cleanup() }
        try await withRoutes(testConfig(.all, database: database)) { role in
            let inputs = ["Write a fibonacci function", "Write a factorial function", "Reverse a string"]
            var passed = 0
            for input in inputs {
                let answer = try await role.fetch(path: "/api/v1/request", body: json(["user_input": input]))
                #expect(answer.status == 200)
                if (answer.json["evaluation"] as? [String: Any])?["passed"] as? Bool == true { passed += 1 }
            }
            // A request the worker cannot serve is an error row, not a pass or a fail.
            _ = try await role.store?.createPrompt(.init(taskType: "code_review", text: "Review.", status: .active, author: .operator))

            let summary = try await role.fetch(.GET, path: "/api/v1/stats/summary?hours=1")
            #expect(summary.status == 200)
            #expect(summary.json["total"] as? Int == inputs.count)
            #expect(summary.json["passed"] as? Int == passed)
            #expect(summary.json["failed"] as? Int == inputs.count - passed)
            #expect(summary.json["hours"] as? Double == 1)
            let active = try #require(summary.json["active_prompts"] as? [[String: Any]])
            #expect(active.contains { $0["task_type"] as? String == "code_generation" && $0["version"] as? Int == 1 })

            let byType = try await role.fetch(.GET, path: "/api/v1/stats/by-task-type")
            let rows = try #require(byType.json["task_types"] as? [[String: Any]])
            #expect(rows.count == 1 && rows.first?["task_type"] as? String == "code_generation")
            #expect(rows.first?["total"] as? Int == inputs.count)

            let distribution = try await role.fetch(.GET, path: "/api/v1/stats/score-distribution")
            let buckets = try #require(distribution.json["buckets"] as? [[String: Any]])
            #expect(buckets.count == 10)
            #expect(buckets.compactMap { $0["count"] as? Int }.reduce(0, +) == inputs.count)

            let performance = try await role.fetch(.GET, path: "/api/v1/stats/prompt-performance")
            let prompts = try #require(performance.json["prompts"] as? [[String: Any]])
            #expect(prompts.first?["samples"] as? Int == inputs.count)

            let failures = try await role.fetch(.GET, path: "/api/v1/stats/recent-failures?limit=5")
            let listed = try #require(failures.json["failures"] as? [[String: Any]])
            #expect(listed.count == inputs.count - passed)
            for failure in listed {
                // Each failure says why: rules below 1 and the judge's feedback.
                #expect(!(failure["failed_rules"] as? [[String: Any]] ?? []).isEmpty || failure["judge_feedback"] != nil)
            }

            for bad in ["/api/v1/stats/summary?hours=abc", "/api/v1/stats/summary?hours=-1", "/api/v1/stats/recent-failures?limit=0",
                        "/api/v1/stats/recent-failures?limit=x"] {
                let answer = try await role.fetch(.GET, path: bad)
                #expect(answer.status == 400, "\(bad)")
                #expect(answer.errorMessage?.contains(bad.contains("hours") ? "hours" : "limit") == true)
            }
        }
    }

    @Test("a failing request shows in recent failures with its rule reasons")
    func failuresCarryReasons() async throws {
        let database = try TempDatabase()
        defer { database.cleanup() }
        try await withRoutes(testConfig(.all, database: database)) { role in
            let store = try #require(role.store)
            _ = try await store.createPrompt(.init(taskType: "code_generation", text: "You are a coder. Write code.", status: .active, author: .operator))
            let answer = try await role.fetch(path: "/api/v1/request", body: json(["user_input": "Write a fibonacci function"]))
            #expect((answer.json["evaluation"] as? [String: Any])?["passed"] as? Bool == false)

            let failures = try await role.fetch(.GET, path: "/api/v1/stats/recent-failures")
            let first = try #require((failures.json["failures"] as? [[String: Any]])?.first)
            #expect(first["request_id"] as? String == answer.json["request_id"] as? String)
            let reasons = (first["failed_rules"] as? [[String: Any]] ?? []).compactMap { $0["reason"] as? String }
            #expect(reasons.contains { $0.contains("docstring") })
            #expect((first["judge_feedback"] as? String)?.isEmpty == false)
            #expect(first["verdict_reason"] as? String == (answer.json["evaluation"] as? [String: Any])?["verdict_reason"] as? String)
            #expect((first["verdict_reason"] as? String)?.isEmpty == false)
        }
    }
}
