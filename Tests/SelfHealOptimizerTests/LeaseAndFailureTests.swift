import Foundation
import SelfHealCore
import SelfHealLLM
import SelfHealOptimizer
import SelfHealStore
import Testing

/// One optimizer per task type at a time, and plugins that fail without taking the optimizer down.
@Suite struct LeaseAndFailureTests {
    let taskType = OptimizerHarness.taskType

    @Test func twoRacingPassesMakeOneDecision() async throws {
        try await OptimizerHarness.with { harness in
            try await harness.install(SeedPrompts.badCodeGenerationPrompt)
            try await harness.serve(6)
            let first = harness.optimizer(owner: "pod-a")
            let second = harness.optimizer(owner: "pod-b")
            async let a = first.runPass(taskTypes: [taskType])
            async let b = second.runPass(taskTypes: [taskType])
            let decisions = (await a + b).map(\.decision)
            // Whichever loses the race either finds the lease taken or, if it came after,
            // the canary the winner started: never a second rewrite.
            #expect(decisions.filter { $0 == "canary_started" }.count == 1, "\(decisions)")
            #expect(decisions.filter { $0 == "locked" || $0 == "canary_wait" }.count == 1, "\(decisions)")
            let written = try await harness.store.prompts(taskType: taskType).filter { $0.author == .optimizer }
            #expect(written.count == 1)
            #expect(try await harness.store.optimizerRuns(taskType: taskType, limit: 10).count == 2)
        }
    }

    @Test func aHeldLeaseLocksTheTaskTypeOutUntilReleased() async throws {
        try await OptimizerHarness.with { harness in
            try await harness.install(SeedPrompts.badCodeGenerationPrompt)
            try await harness.serve(6)
            #expect(try await harness.store.acquireOptimizerLease(taskType: taskType, owner: "other-pod", ttl: .seconds(60)))
            let locked = await harness.optimizer().run(taskType: taskType)
            #expect(locked.decision == "locked")
            #expect(try await harness.store.prompts(taskType: taskType).count == 1)

            try await harness.store.releaseOptimizerLease(taskType: taskType, owner: "other-pod")
            let acted = await harness.optimizer().run(taskType: taskType)
            #expect(acted.decision == "canary_started")
            // The optimizer gave its own lease back.
            #expect(try await harness.store.acquireOptimizerLease(taskType: taskType, owner: "other-pod", ttl: .seconds(1)))
        }
    }

    @Test func aFailingCanaryPluginWaitsAndRecordsWhy() async throws {
        try await OptimizerHarness.with(edits: ["canary.lua": [("if canary.evaluated < min_samples then", "if canary.no_such_field.x then")]]) { harness in
            try await harness.install(SeedPrompts.codeGeneration, author: .seed)
            let canary = try await harness.install(SeedPrompts.badCodeGenerationPrompt, status: .canary)
            try await harness.serve(12)
            let run = await harness.optimizer().run(taskType: taskType)
            #expect(run.decision == "canary_wait")
            let error = try #require(run.detailsObject["plugin_error"] as? String)
            #expect(error.contains("decide_canary") && error.contains("canary.lua:"))
            #expect(try await harness.store.prompt(id: canary.id)?.status == .canary)
        }
    }

    @Test(arguments: [
        ("xpcall(function() while true do end end, function() while true do end end)", ["instruction budget"]),
        // The error object's __tostring is never called: the message says what it is instead.
        ("error(setmetatable({}, { __tostring = function() while true do end end }))", ["error object is a table value"]),
        ("local _ = (\"a\"):rep(3000):find(\".-.-.-b\")", ["string-library step budget", "wall-clock limit"]),
        ("local _ = (\"x\"):rep(1 << 30)", ["string-library step budget", "memory cap", "wall-clock limit"]),
    ])
    func aTriggerThatEscapesNoBoundCostsOnePass(form: String, bounds: [String]) async throws {
        try await OptimizerHarness.with(edits: ["trigger.lua": [("if window.failed >= 3 then", form + "\n    if window.failed >= 3 then")]]) { harness in
            let bad = try await harness.install(SeedPrompts.badCodeGenerationPrompt)
            try await harness.serve(6)
            let run = await harness.optimizer().run(taskType: taskType)
            #expect(run.decision == "noop")
            let error = run.detailsObject["plugin_error"] as? String ?? ""
            #expect(error.hasPrefix("plugin 'trigger' ") && bounds.contains { error.contains($0) }, "\(error)")
            #expect(try await harness.store.activePrompt(taskType: taskType)?.id == bad.id)
            // The same plugin state answers its other entries as usual afterwards.
            #expect(try harness.plugins.replaySize(taskType: taskType).failing > 0)
            #expect(harness.plugins.canaryShare(taskType: taskType) > 0)
        }
    }

    @Test func aTriggerThatRunsOutOfBudgetDoesNothingAndSaysSo() async throws {
        try await OptimizerHarness.with(edits: ["trigger.lua": [("if window.failed >= 3 then", "while true do end\n    if window.failed >= 3 then")]]) { harness in
            let bad = try await harness.install(SeedPrompts.badCodeGenerationPrompt)
            try await harness.serve(6)
            let run = await harness.optimizer().run(taskType: taskType)
            #expect(run.decision == "noop")
            #expect((run.detailsObject["plugin_error"] as? String)?.contains("instruction budget") == true)
            #expect(try await harness.store.activePrompt(taskType: taskType)?.id == bad.id)
            #expect(try await harness.store.prompts(taskType: taskType).count == 1)
        }
    }

    @Test func aFailingRewriteModelIsAnErrorThatChangesNothing() async throws {
        struct Down: LLMProvider {
            var name: String { "down" }
            var model: String { "down" }
            func complete(_ request: LLMRequest) async throws -> LLMCompletion { throw LLMError(.unavailable, provider: "down", message: "connection refused") }
        }
        try await OptimizerHarness.with { harness in
            try await harness.install(SeedPrompts.badCodeGenerationPrompt)
            try await harness.serve(6)
            let run = await harness.optimizer(rewriter: Down()).run(taskType: taskType)
            #expect(run.decision == "error")
            #expect(run.id != nil)
            #expect(try await harness.store.prompts(taskType: taskType).count == 1)
        }
    }

    @Test func anUnreachableWorkerDuringReplayIsAnErrorNotALostCandidate() async throws {
        struct Unreachable: Generating {
            func generate(_ request: GenerateRequest) async throws -> GenerateResponse {
                throw StoreError(.unavailable, "worker at http://127.0.0.1:1 unreachable")
            }
        }
        try await OptimizerHarness.with(edits: ["canary.lua": [("canary_share = 0.2,", "canary_share = 0,")]]) { harness in
            let bad = try await harness.install(SeedPrompts.badCodeGenerationPrompt)
            try await harness.serve(6)
            let broken = Optimizer(
                store: harness.store, generator: Unreachable(), evaluator: harness.evaluator, rewriter: harness.provider,
                plugins: harness.plugins, owner: "unreachable", logger: OptimizerHarness.logger
            )
            let run = await broken.run(taskType: taskType)
            #expect(run.decision == "error", "\(run.details ?? "")")
            #expect(run.details?.contains("unreachable") == true)
            #expect(try await harness.store.activePrompt(taskType: taskType)?.id == bad.id)
            #expect(try await harness.store.canaryPrompt(taskType: taskType) == nil)
            // An error starts no cooldown: once the worker is back, the next pass heals.
            let healed = await harness.optimizer().run(taskType: taskType)
            #expect(healed.decision == "activated", "\(healed.details ?? "")")
        }
    }

    @Test func aCandidateIsRejectedWhenAnOperatorChangesTheActiveVersionDuringItsReplay() async throws {
        try await OptimizerHarness.with { harness in
            let good = try await harness.install(SeedPrompts.codeGeneration, author: .seed)
            try await harness.install(SeedPrompts.badCodeGenerationPrompt)
            try await harness.serve(6)
            let generator = OperatorMidReplay(inner: harness.worker, store: harness.store, activating: good.id)
            let optimizer = Optimizer(
                store: harness.store, generator: generator, evaluator: harness.evaluator, rewriter: harness.provider,
                plugins: harness.plugins, owner: "optimizer-test", logger: OptimizerHarness.logger
            )
            let run = await optimizer.run(taskType: taskType)
            #expect(run.decision == "candidate_rejected", "\(run.details ?? "")")
            #expect((run.detailsObject["reason"] as? String)?.contains("active version changed") == true)
            let candidateId = try #require(run.candidateId)
            let candidate = try #require(try await harness.store.prompt(id: candidateId))
            #expect(candidate.status == .rejected)
            #expect(try await harness.store.activePrompt(taskType: taskType)?.id == good.id)
        }
    }
}

/// The worker, except that an operator activates another version as the replay starts.
private struct OperatorMidReplay: Generating {
    let inner: any Generating
    let store: any Store
    let activating: Int64
    private let done = Once()

    init(inner: any Generating, store: any Store, activating: Int64) {
        self.inner = inner
        self.store = store
        self.activating = activating
    }

    func generate(_ request: GenerateRequest) async throws -> GenerateResponse {
        if await done.first() {
            _ = try await store.activatePrompt(id: activating, reason: "operator, mid-replay")
        }
        return try await inner.generate(request)
    }

    private actor Once {
        var taken = false
        func first() -> Bool {
            defer { taken = true }
            return !taken
        }
    }
}
