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

    @Test("rewording every shipped rule's reason changes nothing in bench heal's outcome", .timeLimit(.minutes(5)))
    func rewordedReasonsHealAlike() async throws {
        let work = try TempDatabase()
        defer { work.cleanup() }
        // A copy of rules/ whose every reason is reworded beyond recognition.
        let reworded = work.directory.appendingPathComponent("rules")
        try FileManager.default.copyItem(atPath: shippedRules, toPath: reworded.path)
        for file in try FileManager.default.contentsOfDirectory(atPath: reworded.path) where file.hasSuffix(".lua") && file != "scoring.lua" {
            let path = reworded.appendingPathComponent(file)
            var source = try String(contentsOf: path, encoding: .utf8)
            let returned = try #require(source.range(of: "\nreturn {", options: .backwards), "\(file) has no returned rule table")
            source.replaceSubrange(returned, with: "\nlocal rule = {")
            source += """

            local check = rule.check
            rule.check = function(ctx)
              local score, reason = check(ctx)
              return score, "reworded " .. string.reverse(tostring(reason))
            end
            return rule

            """
            try source.write(to: path, atomically: true, encoding: .utf8)
        }
        let plugins = repositoryRoot.appendingPathComponent("plugins").path
        func heal(_ rules: String, _ name: String) async throws -> [String: Any] {
            let output = work.directory.appendingPathComponent(name).path
            let result = try await runSelfheal(["bench", "heal", "--cycles", "2", "--requests", "5", "--rules", rules, "--plugins", plugins, "--output", output])
            #expect(result.code == 0, "\(result.stderr)")
            let data = try Data(contentsOf: URL(fileURLWithPath: output + "/heal-report.json"))
            return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        }
        let shipped = try await heal(shippedRules, "shipped")
        let changed = try await heal(reworded.path, "reworded")

        // The copy really scores with the new words.
        let changedReason = ((changed["lineage"] as? [[String: Any]])?.first?["reason"] as? String) ?? ""
        #expect(changedReason.contains("reworded "), "\(changedReason)")
        // Same cycles, same end state, and the optimizer wrote the very same prompt.
        #expect(NSDictionary(dictionary: ["c": shipped["cycles"] ?? 0]) == NSDictionary(dictionary: ["c": changed["cycles"] ?? 1]))
        #expect(NSDictionary(dictionary: ["a": shipped["after"] ?? 0]) == NSDictionary(dictionary: ["a": changed["after"] ?? 1]))
        let shippedPrompt = (shipped["lineage"] as? [[String: Any]])?.first?["text"] as? String
        let changedPrompt = (changed["lineage"] as? [[String: Any]])?.first?["text"] as? String
        #expect(shippedPrompt != nil && shippedPrompt == changedPrompt, "\(shippedPrompt ?? "none")\n---\n\(changedPrompt ?? "none")")
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
