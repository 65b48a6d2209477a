import Foundation
import SelfHealCore
import SelfHealLLM
import SelfHealOptimizer
import SelfHealRules
import SelfHealStore
import Testing

/// The trigger, the rewrite, the replay and the lineage of what the optimizer writes.
@Suite struct HealingTests {
    let taskType = OptimizerHarness.taskType

    @Test func editedTriggerValuesTakeEffectWithoutARestart() async throws {
        try await OptimizerHarness.with { harness in
            let bad = try await harness.install(SeedPrompts.badCodeGenerationPrompt)
            let served = try await harness.serve(2)
            #expect(served.allSatisfy { !$0.passed && $0.promptId == bad.id })

            let quiet = await harness.optimizer().run(taskType: taskType)
            #expect(quiet.decision == "noop")
            #expect(quiet.detailsObject["reason"] as? String == "2 failures in 30 minutes on version 1, below 3")

            // The poller the server runs, not a manual reload: the edit must reach the live
            // engine on its own, with the same engine object the optimizer holds.
            let reloader = Task { try await LuaFolderReloadService(folder: harness.plugins, interval: .milliseconds(50), logger: OptimizerHarness.logger).run() }
            defer { reloader.cancel() }
            let before = harness.plugins.status.version
            try harness.editPlugin("trigger.lua", replacing: "if window.failed >= 3 then", with: "if window.failed >= 2 then")
            try harness.editPlugin("canary.lua", replacing: "canary_share = 0.2,", with: "canary_share = 0,")
            let deadline = ContinuousClock.now + .seconds(30)
            while harness.plugins.status.version == before, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(20))
            }
            #expect(harness.plugins.status.version != before)

            let fired = await harness.optimizer().run(taskType: taskType)
            #expect(fired.decision == "activated", "\(fired.details ?? "")")
            #expect(fired.trigger?.contains("2 failures") == true)
            let active = try #require(try await harness.store.activePrompt(taskType: taskType))
            #expect(active.id == fired.candidateId)
            #expect(active.id != bad.id)
            #expect(active.author == .optimizer)
            #expect(try await harness.store.canaryPrompt(taskType: taskType) == nil)
        }
    }

    @Test func aCandidateThatLosesItsReplayIsRejectedAndNeverServes() async throws {
        try await OptimizerHarness.with { harness in
            let bad = try await harness.install(SeedPrompts.badCodeGenerationPrompt)
            try await harness.serve(6)
            // A rewrite model that answers with an even vaguer prompt than the bad one.
            let worse = FixedRewriter(text: "Reply with as few words as you can.")
            let run = await harness.optimizer(rewriter: worse).run(taskType: taskType)
            #expect(run.decision == "candidate_rejected", "\(run.details ?? "")")
            let candidateId = try #require(run.candidateId)
            let candidate = try #require(try await harness.store.prompt(id: candidateId))
            #expect(candidate.status == .rejected)
            #expect(candidate.text == worse.text)
            #expect(try await harness.store.promptHistory(id: candidateId).map(\.status) == [.candidate, .rejected])
            let details = run.detailsObject
            let replayed = try #require(details["replay_candidate"] as? [String: Any])
            let baseline = try #require(details["replay_active"] as? [String: Any])
            #expect(replayed["samples"] as? Int == baseline["samples"] as? Int)
            #expect((replayed["samples"] as? Int ?? 0) > 0)

            #expect(try await harness.store.activePrompt(taskType: taskType)?.id == bad.id)
            #expect(try await harness.store.canaryPrompt(taskType: taskType) == nil)
            let later = try await harness.serve(20)
            #expect(later.allSatisfy { $0.promptId == bad.id })
        }
    }

    @Test func thePromotedVersionsLineageLeadsBackToTheLogsThatMotivatedIt() async throws {
        try await OptimizerHarness.with(edits: ["canary.lua": [("canary_share = 0.2,", "canary_share = 0.5,"), ("min_samples = 8,", "min_samples = 4,")]]) { harness in
            let bad = try await harness.install(SeedPrompts.badCodeGenerationPrompt)
            let first = try await harness.serve(6)
            let failing = first.filter { !$0.passed }
            #expect(failing.count >= 3)

            let started = await harness.optimizer().run(taskType: taskType)
            #expect(started.decision == "canary_started", "\(started.details ?? "")")
            let canary = try #require(try await harness.store.canaryPrompt(taskType: taskType))
            #expect(canary.id == started.candidateId)

            // Live traffic splits by request id; the canary needs its minimum samples.
            let split = try await harness.serve(24)
            #expect(split.contains { $0.promptId == canary.id })
            #expect(split.contains { $0.promptId == bad.id })
            let waiting = split.filter { $0.promptId == canary.id }.count

            let promoted = await harness.optimizer().run(taskType: taskType)
            #expect(promoted.decision == (waiting >= 4 ? "promoted" : "canary_wait"), "\(promoted.details ?? "")")
            try #require(promoted.decision == "promoted")

            let active = try #require(try await harness.store.activePrompt(taskType: taskType))
            #expect(active.id == canary.id)
            #expect(active.author == .optimizer)
            #expect(active.parentId == bad.id)
            #expect(active.reason?.contains("rewrite of version \(bad.version)") == true)
            #expect(try await harness.store.promptHistory(id: active.id).map(\.status) == [.candidate, .canary, .active])
            #expect(try await harness.store.prompt(id: bad.id)?.status == .retired)

            // Evidence: the failing logs of the parent version, exactly those the first run cited.
            #expect(!active.evidence.isEmpty)
            #expect(Set(active.evidence) == Set(failing.compactMap(\.id)))
            #expect(started.evidence == active.evidence)
            for id in active.evidence {
                let log = try #require(try await harness.store.log(id: id))
                #expect(log.promptId == bad.id && !log.passed)
            }
            let runs = try await harness.store.optimizerRuns(taskType: taskType, limit: 10)
            #expect(runs.map(\.decision) == ["promoted", "canary_started"])
            #expect(runs.allSatisfy { $0.candidateId == active.id })

            // The healed prompt now serves every request, and serves it better.
            let after = try await harness.serve(8)
            #expect(after.allSatisfy { $0.promptId == active.id })
            let rate = { (logs: [ExecutionLog]) in Double(logs.filter(\.passed).count) / Double(logs.count) }
            #expect(rate(first) < 0.1)
            #expect(rate(after) >= 0.9)
        }
    }

    @Test func cooldownHoldsAfterARewriteAttempt() async throws {
        try await OptimizerHarness.with { harness in
            try await harness.install(SeedPrompts.badCodeGenerationPrompt)
            try await harness.serve(6)
            let rejected = await harness.optimizer(rewriter: FixedRewriter(text: "Be brief.")).run(taskType: taskType)
            #expect(rejected.decision == "candidate_rejected")
            let again = await harness.optimizer().run(taskType: taskType)
            #expect(again.decision == "cooldown")
            #expect(try await harness.store.prompts(taskType: taskType).count == 2)
        }
    }

    @Test func aRewriteLiveTrafficAlreadyRolledBackIsNotTriedAgain() async throws {
        try await OptimizerHarness.with(edits: ["trigger.lua": [("cooldown_minutes = 15,", "cooldown_minutes = 0,")]]) { harness in
            try await harness.install(SeedPrompts.badCodeGenerationPrompt)
            try await harness.serve(6)
            let started = await harness.optimizer().run(taskType: taskType)
            #expect(started.decision == "canary_started")
            let canaryId = try #require(started.candidateId)
            _ = try await harness.store.setPromptStatus(id: canaryId, status: .rolledBack, reason: "rolled back by the test")

            let again = await harness.optimizer().run(taskType: taskType)
            #expect(again.decision == "candidate_rejected")
            #expect(again.candidateId == canaryId)
            #expect(try await harness.store.prompts(taskType: taskType).count == 2)
            #expect(try await harness.store.canaryPrompt(taskType: taskType) == nil)
        }
    }

    @Test func theIntervalServiceHealsWithoutBeingAsked() async throws {
        try await OptimizerHarness.with(edits: ["canary.lua": [("canary_share = 0.2,", "canary_share = 0,")]]) { harness in
            let bad = try await harness.install(SeedPrompts.badCodeGenerationPrompt)
            try await harness.serve(6)
            let service = OptimizerService(optimizer: harness.optimizer(), taskTypes: [taskType], interval: .milliseconds(50), logger: OptimizerHarness.logger)
            let loop = Task { try await service.run() }
            defer { loop.cancel() }
            // Generous: under a full parallel test run one pass can take seconds; it must still heal.
            let deadline = ContinuousClock.now + .seconds(60)
            while try await harness.store.activePrompt(taskType: taskType)?.id == bad.id, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(20))
            }
            let active = try #require(try await harness.store.activePrompt(taskType: taskType))
            #expect(active.id != bad.id)
            #expect(active.parentId == bad.id)
            loop.cancel()
            _ = await loop.result
        }
    }
}
