import Foundation
import SelfHealCore
import SelfHealLLM
import SelfHealOptimizer
import SelfHealStore
import Testing

/// Roll-backs the optimizer takes on its own: a canary that underperforms, and an active
/// version (here one an operator activated) that regressed against its predecessor.
@Suite struct CanaryAndRegressionTests {
    let taskType = OptimizerHarness.taskType

    @Test func anUnderperformingCanaryIsRolledBackAndThePreviousVersionServesAgain() async throws {
        try await OptimizerHarness.with(edits: ["canary.lua": [("canary_share = 0.2,", "canary_share = 0.5,"), ("min_samples = 8,", "min_samples = 4,")]]) { harness in
            let good = try await harness.install(SeedPrompts.codeGeneration, author: .seed)
            let bad = try await harness.install(SeedPrompts.badCodeGenerationPrompt, status: .canary)
            let split = try await harness.serve(24)
            let onCanary = split.filter { $0.promptId == bad.id }
            #expect(onCanary.count >= 4)
            #expect(split.contains { $0.promptId == good.id })

            let run = await harness.optimizer().run(taskType: taskType)
            #expect(run.decision == "canary_rolled_back", "\(run.details ?? "")")
            #expect(run.candidateId == bad.id)
            #expect(try await harness.store.prompt(id: bad.id)?.status == .rolledBack)
            #expect(try await harness.store.canaryPrompt(taskType: taskType) == nil)
            #expect(try await harness.store.activePrompt(taskType: taskType)?.id == good.id)
            let canaryStats = try #require(run.detailsObject["canary"] as? [String: Any])
            #expect(canaryStats["evaluated"] as? Int == onCanary.count)

            // The same request ids that went to the canary now reach the previous version.
            let again = try await harness.serve(24)
            #expect(again.allSatisfy { $0.promptId == good.id })
        }
    }

    @Test func aCanaryWhoseParentWasReplacedByAnOperatorIsSuperseded() async throws {
        try await OptimizerHarness.with(edits: ["canary.lua": [("canary_share = 0.2,", "canary_share = 0.5,")]]) { harness in
            try await harness.install(SeedPrompts.codeGeneration, author: .seed)
            let canary = try await harness.install(SeedPrompts.badCodeGenerationPrompt, status: .canary)
            let replacement = try await harness.install(SeedPrompts.codeGeneration + "\nAlways add docstrings.")

            let run = await harness.optimizer().run(taskType: taskType)
            #expect(run.decision == "canary_superseded", "\(run.details ?? "")")
            #expect(try await harness.store.prompt(id: canary.id)?.status == .rejected)
            #expect(try await harness.store.canaryPrompt(taskType: taskType) == nil)
            // Everything goes to the version the operator chose.
            let served = try await harness.serve(12)
            #expect(served.allSatisfy { $0.promptId == replacement.id })
        }
    }

    @Test func aCanaryWithTooFewSamplesWaits() async throws {
        try await OptimizerHarness.with { harness in
            try await harness.install(SeedPrompts.codeGeneration, author: .seed)
            let canary = try await harness.install(SeedPrompts.badCodeGenerationPrompt, status: .canary)
            try await harness.serve(4)
            let run = await harness.optimizer().run(taskType: taskType)
            #expect(run.decision == "canary_wait")
            #expect(try await harness.store.prompt(id: canary.id)?.status == .canary)
        }
    }

    @Test func anOperatorActivatedBadVersionIsCaughtAsARegressionAndRolledBack() async throws {
        try await OptimizerHarness.with { harness in
            let good = try await harness.install(SeedPrompts.codeGeneration, author: .seed)
            let before = try await harness.serve(8)
            let bad = try await harness.install(SeedPrompts.badCodeGenerationPrompt, author: .operator)
            #expect(try await harness.store.activePrompt(taskType: taskType)?.id == bad.id)
            let during = try await harness.serve(8)
            #expect(during.filter(\.passed).count < before.filter(\.passed).count)

            let run = await harness.optimizer().run(taskType: taskType)
            #expect(run.decision == "regression_rolled_back", "\(run.details ?? "")")
            #expect(run.candidateId == bad.id)
            #expect(run.promptId == good.id)
            #expect(Set(run.evidence) == Set(during.filter { !$0.passed }.compactMap(\.id)))
            #expect(try await harness.store.activePrompt(taskType: taskType)?.id == good.id)
            #expect(try await harness.store.prompt(id: bad.id)?.status == .rolledBack)
            let history = try await harness.store.promptHistory(id: bad.id)
            #expect(history.last?.status == .rolledBack)
            #expect(history.last?.reason?.contains("regression") == true)

            let after = try await harness.serve(4)
            #expect(after.allSatisfy { $0.promptId == good.id })
        }
    }

    @Test func aVersionWithTooFewSamplesIsNotJudgedARegression() async throws {
        try await OptimizerHarness.with { harness in
            try await harness.install(SeedPrompts.codeGeneration, author: .seed)
            try await harness.serve(8)
            let bad = try await harness.install(SeedPrompts.badCodeGenerationPrompt, author: .operator)
            try await harness.serve(2)
            let run = await harness.optimizer().run(taskType: taskType)
            #expect(run.decision == "noop")
            #expect(try await harness.store.activePrompt(taskType: taskType)?.id == bad.id)
        }
    }
}
