import Foundation
import SelfHealCore
import Testing

extension StoreContract {
    static let promptChecks: [StoreCheck] = [
        StoreCheck("seeding writes version 1 once per task type", seedingIsIdempotent),
        StoreCheck("versions number from 1 per task type, listed newest first", versionsNumberPerTaskType),
        StoreCheck("parent defaults to the active version; evidence round-trips", lineageIsRecorded),
        StoreCheck("invalid new versions are refused", invalidNewPromptsAreRefused),
        StoreCheck("creating an active version retires the previous one", creatingActiveRetiresPrevious),
        StoreCheck("activating a canary retires the previous active", activationRetiresPrevious),
        StoreCheck("a new canary supersedes the running one", newCanarySupersedesOld),
        StoreCheck("20 racing activations leave exactly one active", racingActivationsLeaveOneActive),
        StoreCheck("every status change is in the history", statusChangesAreRecorded),
        StoreCheck("the live prompt, read before, is the new one right after any handle changes it", liveChangesShowAtOnce),
        StoreCheck("the canary, read before (none, then one), is the new one right after any handle changes it", canaryChangesShowAtOnce),
    ]

    /// A store may keep the live prompt in memory (the worker reads it on every request), but a
    /// change made through another handle on the database (another process: `selfheal prompts
    /// activate`, the optimizer's role) or through this one shows on the very next read.
    static func liveChangesShowAtOnce(_ harness: StoreHarness) async throws {
        let store = harness.store
        let other = try await harness.openAnother()
        try await store.seedPrompts([seed("code_generation"), seed("code_review")])
        let v1 = try #require(try await store.activePrompt(taskType: "code_generation"))
        #expect(try await store.activePrompt(taskType: "code_generation") == v1)
        let review = try #require(try await store.activePrompt(taskType: "code_review"))

        let v2 = try await other.createPrompt(NewPrompt(
            taskType: "code_generation", text: "v2", status: .active, author: .operator, reason: "by hand"
        ))
        #expect(try await store.activePrompt(taskType: "code_generation") == v2)
        let v3 = try await other.createPrompt(NewPrompt(
            taskType: "code_generation", text: "v3", status: .candidate, author: .optimizer, reason: "replayed"
        ))
        #expect(try await store.activePrompt(taskType: "code_generation") == v2)
        _ = try await other.activatePrompt(id: v3.id, reason: "promoted")
        #expect(try await store.activePrompt(taskType: "code_generation")?.id == v3.id)
        _ = try await other.rollbackPrompt(taskType: "code_generation", reason: "worse")
        #expect(try await store.activePrompt(taskType: "code_generation")?.id == v2.id)
        _ = try await other.setPromptStatus(id: v1.id, status: .active, reason: "back to the seed")
        #expect(try await store.activePrompt(taskType: "code_generation")?.id == v1.id)
        // Through this handle: both see it.
        _ = try await store.activatePrompt(id: v3.id, reason: "again")
        #expect(try await store.activePrompt(taskType: "code_generation")?.id == v3.id)
        #expect(try await other.activePrompt(taskType: "code_generation")?.id == v3.id)
        #expect(try await store.activePrompt(taskType: "code_review") == review)
        // A task type with none yet, then one.
        #expect(try await store.activePrompt(taskType: "sql") == nil)
        try await other.seedPrompts([seed("sql")])
        #expect(try await store.activePrompt(taskType: "sql")?.version == 1)
    }

    /// The worker asks for the canary on every request routed to the canary share, mostly to
    /// hear there is none; a store may keep that in memory too, but a canary started, replaced,
    /// promoted or rejected through any handle shows on the very next read.
    static func canaryChangesShowAtOnce(_ harness: StoreHarness) async throws {
        let store = harness.store
        let other = try await harness.openAnother()
        try await store.seedPrompts([seed("code_generation"), seed("code_review")])
        #expect(try await store.canaryPrompt(taskType: "code_generation") == nil)
        #expect(try await store.canaryPrompt(taskType: "code_generation") == nil)

        let first = try await other.createPrompt(NewPrompt(taskType: "code_generation", text: "c1", status: .canary, author: .optimizer))
        #expect(try await store.canaryPrompt(taskType: "code_generation") == first)
        #expect(try await store.canaryPrompt(taskType: "code_review") == nil)
        let second = try await other.createPrompt(NewPrompt(taskType: "code_generation", text: "c2", status: .canary, author: .optimizer))
        #expect(try await store.canaryPrompt(taskType: "code_generation") == second)
        _ = try await other.setPromptStatus(id: second.id, status: .rejected, reason: "worse on canary")
        #expect(try await store.canaryPrompt(taskType: "code_generation") == nil)

        // Through this handle: both see it; a promotion ends the canary.
        let third = try await store.createPrompt(NewPrompt(taskType: "code_generation", text: "c3", status: .canary, author: .optimizer))
        #expect(try await store.canaryPrompt(taskType: "code_generation") == third)
        #expect(try await other.canaryPrompt(taskType: "code_generation") == third)
        _ = try await other.activatePrompt(id: third.id, reason: "canary passed")
        #expect(try await store.canaryPrompt(taskType: "code_generation") == nil)
        #expect(try await store.activePrompt(taskType: "code_generation")?.id == third.id)
    }

    static func seedingIsIdempotent(_ harness: StoreHarness) async throws {
        let store = harness.store
        let types = TaskTypes.defaults.known
        try await store.seedPrompts(types.map { seed($0) })
        try await store.seedPrompts(types.map { seed($0, "a different seed") } + [seed("extra_type")])

        let all = try await store.prompts(taskType: nil)
        #expect(all.count == types.count + 1)
        for taskType in types + ["extra_type"] {
            let active = try #require(try await store.activePrompt(taskType: taskType))
            #expect(active.version == 1)
            #expect(active.text == "You write Python.")
            #expect(active.author == .seed)
            #expect(active.parentId == nil)
            #expect(try await store.promptHistory(id: active.id).map(\.status) == [.active])
        }

        // A task type that already moved on is not re-seeded either.
        _ = try await store.createPrompt(NewPrompt(taskType: types[0], text: "v2", status: .active, author: .operator))
        try await store.seedPrompts(types.map { seed($0) })
        #expect(try await store.prompts(taskType: nil).count == types.count + 2)
        #expect(try await store.activePrompt(taskType: types[0])?.version == 2)
    }

    static func versionsNumberPerTaskType(_ harness: StoreHarness) async throws {
        let store = harness.store
        for number in 1...3 {
            _ = try await store.createPrompt(NewPrompt(taskType: "a", text: "a\(number)", status: .candidate, author: .optimizer))
        }
        for number in 1...2 {
            _ = try await store.createPrompt(NewPrompt(taskType: "b", text: "b\(number)", status: .candidate, author: .optimizer))
        }
        #expect(try await store.prompts(taskType: "a").map(\.version) == [3, 2, 1])
        #expect(try await store.prompts(taskType: "a").map(\.text) == ["a3", "a2", "a1"])
        #expect(try await store.prompts(taskType: "b").map(\.version) == [2, 1])
        #expect(try await store.prompts(taskType: "c").isEmpty)

        let all = try await store.prompts(taskType: nil)
        #expect(all.map(\.text) == ["b2", "b1", "a3", "a2", "a1"])
        let first = try #require(all.last)
        #expect(try await store.prompt(id: first.id) == first)
        #expect(try await store.prompt(id: first.id + 1_000) == nil)
    }

    static func lineageIsRecorded(_ harness: StoreHarness) async throws {
        let store = harness.store
        try await store.seedPrompts([seed("code_generation"), seed("code_review")])
        let active = try #require(try await store.activePrompt(taskType: "code_generation"))
        let review = try #require(try await store.activePrompt(taskType: "code_review"))

        let before = Date()
        let candidate = try await store.createPrompt(NewPrompt(
            taskType: "code_generation", text: "Add docstrings.\n«ünïcödé» 🚀", status: .candidate, author: .optimizer,
            reason: "3 failures: no docstring", evidence: [42, 7, 19]
        ))
        #expect(candidate.parentId == active.id)
        #expect(candidate.version == 2)
        #expect(candidate.status == .candidate)
        #expect(candidate.author == .optimizer)
        #expect(candidate.evidence == [42, 7, 19])
        #expect(candidate.createdAt.timeIntervalSince(before) > -0.001)
        #expect(candidate.createdAt.timeIntervalSinceNow < 1)
        // What the store returns on create is what it returns on read.
        let reread = try #require(try await store.prompt(id: candidate.id))
        expectSameInstant(reread.createdAt, candidate.createdAt)
        #expect(reread.text == "Add docstrings.\n«ünïcödé» 🚀")
        #expect(reread.evidence == [42, 7, 19])
        #expect(reread.reason == "3 failures: no docstring")

        let child = try await store.createPrompt(NewPrompt(
            taskType: "code_generation", text: "child", status: .candidate, author: .optimizer, parentId: candidate.id
        ))
        #expect(child.parentId == candidate.id)
        #expect(child.evidence.isEmpty)

        await expectStoreError(.notFound) {
            try await store.createPrompt(NewPrompt(
                taskType: "code_generation", text: "x", status: .candidate, author: .operator, parentId: child.id + 1_000
            ))
        }
        await expectStoreError(.invalid) {
            try await store.createPrompt(NewPrompt(
                taskType: "code_generation", text: "x", status: .candidate, author: .operator, parentId: review.id
            ))
        }
        #expect(try await store.prompts(taskType: "code_generation").count == 3)
    }

    static func invalidNewPromptsAreRefused(_ harness: StoreHarness) async throws {
        let store = harness.store
        await expectStoreError(.invalid) {
            try await store.createPrompt(NewPrompt(taskType: "code_generation", text: "  \n", status: .active, author: .operator))
        }
        for status in [PromptStatus.retired, .rejected, .rolledBack] {
            await expectStoreError(.invalid) {
                try await store.createPrompt(NewPrompt(taskType: "code_generation", text: "t", status: status, author: .operator))
            }
        }
        #expect(try await store.prompts(taskType: nil).isEmpty)
    }

    static func creatingActiveRetiresPrevious(_ harness: StoreHarness) async throws {
        let store = harness.store
        let versions = try await activeLineage(store, "code_generation", count: 3)
        #expect(try await activeVersions(store, "code_generation").map(\.id) == [versions[2].id])
        #expect(try await store.activePrompt(taskType: "code_generation") == versions[2])
        #expect(versions[1].parentId == versions[0].id)
        #expect(versions[2].parentId == versions[1].id)
        #expect(try await store.prompt(id: versions[0].id)?.status == .retired)
        #expect(try await store.prompt(id: versions[1].id)?.status == .retired)
        #expect(try await store.promptHistory(id: versions[1].id).map(\.status) == [.active, .retired])
    }

    static func activationRetiresPrevious(_ harness: StoreHarness) async throws {
        let store = harness.store
        try await store.seedPrompts([seed("code_generation"), seed("code_review")])
        let v1 = try #require(try await store.activePrompt(taskType: "code_generation"))
        let review = try #require(try await store.activePrompt(taskType: "code_review"))
        let canary = try await store.createPrompt(NewPrompt(
            taskType: "code_generation", text: "canary", status: .canary, author: .optimizer, reason: "fewer failures on replay"
        ))
        #expect(try await store.canaryPrompt(taskType: "code_generation") == canary)
        #expect(try await store.activePrompt(taskType: "code_generation") == v1)

        let promoted = try await store.activatePrompt(id: canary.id, reason: "canary passed")
        #expect(promoted.id == canary.id)
        #expect(promoted.status == .active)
        #expect(try await store.activePrompt(taskType: "code_generation")?.id == canary.id)
        #expect(try await store.canaryPrompt(taskType: "code_generation") == nil)
        #expect(try await store.prompt(id: v1.id)?.status == .retired)
        #expect(try await store.activePrompt(taskType: "code_review") == review)

        let history = try await store.promptHistory(id: canary.id)
        #expect(history.map(\.status) == [.canary, .active])
        #expect(history.last?.reason == "canary passed")

        // Activating the active version again changes nothing.
        #expect(try await store.activatePrompt(id: canary.id, reason: "again").status == .active)
        #expect(try await store.promptHistory(id: canary.id).count == 2)
        #expect(try await store.promptHistory(id: v1.id).map(\.status) == [.active, .retired])

        await expectStoreError(.notFound) { try await store.activatePrompt(id: canary.id + 1_000, reason: nil) }
        #expect(try await activeVersions(store, "code_generation").count == 1)
    }

    static func newCanarySupersedesOld(_ harness: StoreHarness) async throws {
        let store = harness.store
        try await store.seedPrompts([seed("code_generation")])
        let first = try await store.createPrompt(NewPrompt(taskType: "code_generation", text: "c1", status: .canary, author: .optimizer))
        let second = try await store.createPrompt(NewPrompt(taskType: "code_generation", text: "c2", status: .canary, author: .operator))
        #expect(try await store.canaryPrompt(taskType: "code_generation") == second)
        #expect(try await store.prompt(id: first.id)?.status == .rejected)
        #expect(try await store.promptHistory(id: first.id).map(\.status) == [.canary, .rejected])

        // The same through setPromptStatus.
        let candidate = try await store.createPrompt(NewPrompt(taskType: "code_generation", text: "c3", status: .candidate, author: .optimizer))
        _ = try await store.setPromptStatus(id: candidate.id, status: .canary, reason: "replay won")
        #expect(try await store.canaryPrompt(taskType: "code_generation")?.id == candidate.id)
        #expect(try await store.prompt(id: second.id)?.status == .rejected)
        #expect(try await store.prompts(taskType: "code_generation").filter { $0.status == .canary }.count == 1)
    }

    static func racingActivationsLeaveOneActive(_ harness: StoreHarness) async throws {
        let store = harness.store
        try await store.seedPrompts([seed("code_generation")])
        var candidates: [PromptVersion] = []
        for number in 1...20 {
            candidates.append(try await store.createPrompt(
                NewPrompt(taskType: "code_generation", text: "candidate \(number)", status: .candidate, author: .optimizer)
            ))
        }
        try await withThrowingTaskGroup(of: PromptVersion.self) { group in
            for candidate in candidates {
                group.addTask { try await store.activatePrompt(id: candidate.id, reason: "race") }
            }
            for try await activated in group {
                #expect(activated.status == .active)
            }
        }

        let all = try await store.prompts(taskType: "code_generation")
        let active = all.filter { $0.status == .active }
        #expect(active.count == 1)
        #expect(try await store.activePrompt(taskType: "code_generation")?.id == active.first?.id)
        // 21 versions were active at some point and each activation retired exactly one.
        #expect(all.filter { $0.status == .retired }.count == 20)
        var activations = 0
        for prompt in all {
            let history = try await store.promptHistory(id: prompt.id)
            #expect(history.last?.status == prompt.status, "history of version \(prompt.version) ends elsewhere")
            activations += history.filter { $0.status == .active }.count
        }
        #expect(activations == 21)
    }

    static func statusChangesAreRecorded(_ harness: StoreHarness) async throws {
        let store = harness.store
        try await store.seedPrompts([seed("code_generation")])
        let active = try #require(try await store.activePrompt(taskType: "code_generation"))
        let candidate = try await store.createPrompt(NewPrompt(
            taskType: "code_generation", text: "candidate", status: .candidate, author: .optimizer, reason: "written"
        ))
        _ = try await store.setPromptStatus(id: candidate.id, status: .canary, reason: "replay won")
        let rejected = try await store.setPromptStatus(id: candidate.id, status: .rejected, reason: "canary lost")
        #expect(rejected.status == .rejected)

        let history = try await store.promptHistory(id: candidate.id)
        #expect(history.map(\.status) == [.candidate, .canary, .rejected])
        #expect(history.map(\.reason) == ["written", "replay won", "canary lost"])
        #expect(history.allSatisfy { $0.promptId == candidate.id })
        #expect(zip(history, history.dropFirst()).allSatisfy { $0.at <= $1.at })

        // Taking the active version away would leave nothing to serve.
        await expectStoreError(.conflict) {
            try await store.setPromptStatus(id: active.id, status: .retired, reason: nil)
        }
        #expect(try await store.activePrompt(taskType: "code_generation") == active)

        // Setting .active is an activation: the previous active is retired.
        _ = try await store.setPromptStatus(id: candidate.id, status: .active, reason: "operator")
        #expect(try await store.prompt(id: active.id)?.status == .retired)
        #expect(try await activeVersions(store, "code_generation").map(\.id) == [candidate.id])

        await expectStoreError(.notFound) { try await store.setPromptStatus(id: candidate.id + 1_000, status: .rejected, reason: nil) }
        await expectStoreError(.notFound) { try await store.promptHistory(id: candidate.id + 1_000) }
    }
}
