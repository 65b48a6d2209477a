import Foundation
import SelfHealCore
import SelfHealLLM
import SelfHealStore
import Testing

@Suite("bench heal and the prompts command, as a user runs them")
struct HealAndPromptsCommandTests {
    @Test("bench heal lifts a deliberately bad prompt from failing to passing, through HTTP roles")
    func benchHeal() async throws {
        let output = try TempDatabase()
        defer { output.cleanup() }
        let plugins = repositoryRoot.appendingPathComponent("plugins").path
        let result = try await runSelfheal([
            "bench", "heal", "--cycles", "2", "--requests", "5", "--rules", shippedRules, "--plugins", plugins,
            "--output", output.directory.path,
        ])
        #expect(result.code == 0, "\(result.stderr)")
        #expect(result.stdout.contains("grade A"), "\(result.stdout)")

        let data = try Data(contentsOf: output.directory.appendingPathComponent("heal-report.json"))
        let report = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let cycles = try #require(report["cycles"] as? [[String: Any]])
        let first = try #require(cycles.first)
        #expect((first["pass_rate"] as? Double ?? 1) <= 0.2)
        let after = try #require(report["after"] as? [String: Any])
        #expect((after["pass_rate"] as? Double ?? 0) >= 0.9)
        // The version that heals was written by the optimizer, from the bad one.
        let lineage = try #require(report["lineage"] as? [[String: Any]])
        #expect(lineage.first?["author"] as? String == "optimizer")
        #expect((lineage.first?["evidence"] as? Int ?? 0) > 0)
        #expect(FileManager.default.fileExists(atPath: output.directory.appendingPathComponent("heal-report.md").path))
    }

    @Test("prompts list, show, diff, rollback and activate work on the store")
    func promptsCommand() async throws {
        let database = try TempDatabase()
        defer { database.cleanup() }
        let store = try await SQLiteStore.open(path: database.directory.appendingPathComponent("selfheal.db").path, logger: quietLogger)
        try await store.migrate()
        try await store.seedPrompts(SeedPrompts.seeds(for: ["code_generation"]))
        let written = try await store.createPrompt(
            NewPrompt(taskType: "code_generation", text: "Write Python.\nAdd docstrings.", status: .active, author: .operator, reason: "cli test")
        )
        try await store.close()
        let db = ["--database", database.url]

        let list = try await runSelfheal(["prompts", "list"] + db)
        #expect(list.code == 0, "\(list.stderr)")
        #expect(list.stdout.contains("v2") && list.stdout.contains("active") && list.stdout.contains("seed"))

        let show = try await runSelfheal(["prompts", "show", "\(written.id)"] + db)
        #expect(show.stdout.contains("Add docstrings.") && show.stdout.contains("cli test"))

        let diff = try await runSelfheal(["prompts", "diff", "\(written.id)"] + db)
        #expect(diff.stdout.contains("+ Add docstrings."))

        let rollback = try await runSelfheal(["prompts", "rollback", "--task-type", "code_generation"] + db)
        #expect(rollback.code == 0)
        #expect(rollback.stdout.contains("to v1"))

        let activate = try await runSelfheal(["prompts", "activate", "\(written.id)"] + db)
        #expect(activate.stdout.contains("activated code_generation v2"))

        let missing = try await runSelfheal(["prompts", "show", "999"] + db)
        #expect(missing.code != 0)
        #expect(missing.stderr.contains("999"))
    }
}
