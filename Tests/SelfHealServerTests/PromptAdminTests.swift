import Foundation
import SelfHealCommands
import SelfHealServer
import Testing

@Suite("The prompt admin API on the manager")
struct PromptAdminTests {
    @Test("write, list, show, diff, activate and roll back prompt versions over HTTP")
    func lifecycle() async throws {
        let database = try TempDatabase()
        defer { database.cleanup() }
        try await withRoutes(testConfig(.all, database: database)) { role in

            let list = try await role.fetch(.GET, path: "/api/v1/prompts?task_type=code_generation")
            #expect(list.status == 200)
            let seeded = try #require((list.json["prompts"] as? [[String: Any]])?.first)
            #expect(seeded["author"] as? String == "seed")
            #expect(seeded["status"] as? String == "active")
            let seedId = try #require(seeded["id"] as? Int)

            let created = try await role.fetch(
                path: "/api/v1/prompts",
                body: json(["task_type": "code_generation", "text": "Write Python with docstrings.", "status": "active", "reason": "try it"])
            )
            #expect(created.status == 201)
            #expect(created.json["author"] as? String == "operator")
            #expect(created.json["parent_id"] as? Int == seedId)
            #expect(created.json["version"] as? Int == 2)
            let newId = try #require(created.json["id"] as? Int)

            // The next request is served by the new version.
            let served = try await role.fetch(path: "/api/v1/request", body: json(["user_input": "Write a fibonacci function"]))
            #expect((served.json["prompt"] as? [String: Any])?["id"] as? Int == newId)

            let diff = try await role.fetch(.GET, path: "/api/v1/prompts/\(newId)/diff")
            #expect(diff.status == 200)
            #expect((diff.json["diff"] as? String)?.contains("+ Write Python with docstrings.") == true)

            let rollback = try await role.fetch(path: "/api/v1/prompts/rollback", body: json(["task_type": "code_generation"]))
            #expect(rollback.status == 200)
            #expect(rollback.json["id"] as? Int == seedId)
            let shown = try await role.fetch(.GET, path: "/api/v1/prompts/\(newId)")
            #expect((shown.json["prompt"] as? [String: Any])?["status"] as? String == "rolled_back")
            let history = (shown.json["history"] as? [[String: Any]])?.compactMap { $0["status"] as? String }
            #expect(history == ["active", "rolled_back"])

            let activated = try await role.fetch(path: "/api/v1/prompts/\(newId)/activate")
            #expect(activated.status == 200)
            #expect(activated.json["status"] as? String == "active")

            #expect(try await role.fetch(.GET, path: "/api/v1/prompts/99999").status == 404)
            #expect(try await role.fetch(.GET, path: "/api/v1/prompts/abc").status == 400)
            let badStatus = try await role.fetch(path: "/api/v1/prompts", body: json(["task_type": "code_generation", "text": "x", "status": "retired"]))
            #expect(badStatus.status == 422)
            #expect(badStatus.errorMessage?.contains("status") == true)
            // A blank prompt is refused, whatever white space spells it; nothing is written.
            let versions = { try await role.fetch(.GET, path: "/api/v1/prompts?task_type=code_generation").json["prompts"] as? [[String: Any]] }
            let before = try await versions()?.count
            for blank in ["", " \n\t\r\n", "\u{00A0}\u{2028}\u{0085}\u{3000}"] {
                let refused = try await role.fetch(path: "/api/v1/prompts", body: json(["task_type": "code_generation", "text": blank]))
                #expect(refused.status == 422, "\(blank.unicodeScalars.map { $0.value })")
                #expect(refused.errorMessage?.contains("text") == true)
            }
            #expect(before != nil)
            #expect(try await versions()?.count == before)
            #expect(try await role.fetch(.GET, path: "/api/v1/optimizer/runs?limit=0").status == 400)
            #expect(try await role.fetch(.GET, path: "/api/v1/optimizer/runs").status == 200)
        }
    }
}
