import Foundation
import SelfHealCore
import Testing

extension StoreContract {
    static let rollbackChecks: [StoreCheck] = [
        StoreCheck("rollback restores the previous active version", rollbackRestoresPrevious),
        StoreCheck("rollback follows the history, not the version numbers", rollbackFollowsHistory),
        StoreCheck("rollback with nothing to return to is a conflict", rollbackWithoutEarlierVersionIsConflict),
        StoreCheck("rollback leaves a running canary alone", rollbackKeepsCanary),
    ]

    static func rollbackRestoresPrevious(_ harness: StoreHarness) async throws {
        let store = harness.store
        let versions = try await activeLineage(store, "code_generation", count: 3)

        let restored = try await store.rollbackPrompt(taskType: "code_generation", reason: "regressed")
        #expect(restored.id == versions[1].id)
        #expect(restored.status == .active)
        #expect(try await store.activePrompt(taskType: "code_generation")?.id == versions[1].id)
        #expect(try await store.prompt(id: versions[2].id)?.status == .rolledBack)
        #expect(try await store.promptHistory(id: versions[2].id).map(\.status) == [.active, .rolledBack])
        #expect(try await store.promptHistory(id: versions[2].id).last?.reason == "regressed")
        #expect(try await store.promptHistory(id: versions[1].id).map(\.status) == [.active, .retired, .active])

        // A second rollback walks further back; it does not bring back what the first removed.
        let again = try await store.rollbackPrompt(taskType: "code_generation", reason: nil)
        #expect(again.id == versions[0].id)
        #expect(try await store.prompt(id: versions[1].id)?.status == .rolledBack)
        #expect(try await activeVersions(store, "code_generation").map(\.id) == [versions[0].id])

        let error = await expectStoreError(.conflict) { try await store.rollbackPrompt(taskType: "code_generation", reason: nil) }
        #expect(error?.message.contains("code_generation") == true)
        #expect(try await store.activePrompt(taskType: "code_generation")?.id == versions[0].id)
    }

    static func rollbackFollowsHistory(_ harness: StoreHarness) async throws {
        let store = harness.store
        let versions = try await activeLineage(store, "code_generation", count: 3)
        // An operator goes back to version 1 by hand; version 3 was the one active before it.
        _ = try await store.activatePrompt(id: versions[0].id, reason: "operator")

        let restored = try await store.rollbackPrompt(taskType: "code_generation", reason: "undo")
        #expect(restored.id == versions[2].id)
        #expect(try await store.prompt(id: versions[0].id)?.status == .rolledBack)
        #expect(try await store.prompt(id: versions[1].id)?.status == .retired)
        #expect(try await activeVersions(store, "code_generation").count == 1)
    }

    static func rollbackWithoutEarlierVersionIsConflict(_ harness: StoreHarness) async throws {
        let store = harness.store
        await expectStoreError(.conflict) { try await store.rollbackPrompt(taskType: "code_generation", reason: nil) }

        try await store.seedPrompts([seed("code_generation")])
        let only = try #require(try await store.activePrompt(taskType: "code_generation"))
        // A candidate that was never active is no rollback target.
        _ = try await store.createPrompt(NewPrompt(taskType: "code_generation", text: "c", status: .candidate, author: .optimizer))
        let error = await expectStoreError(.conflict) { try await store.rollbackPrompt(taskType: "code_generation", reason: nil) }
        #expect(error?.message.contains("code_generation") == true)
        #expect(try await store.activePrompt(taskType: "code_generation") == only)
        #expect(try await store.promptHistory(id: only.id).map(\.status) == [.active])
    }

    static func rollbackKeepsCanary(_ harness: StoreHarness) async throws {
        let store = harness.store
        let versions = try await activeLineage(store, "code_generation", count: 2)
        let canary = try await store.createPrompt(NewPrompt(taskType: "code_generation", text: "c", status: .canary, author: .optimizer))
        #expect(canary.parentId == versions[1].id)

        let restored = try await store.rollbackPrompt(taskType: "code_generation", reason: nil)
        #expect(restored.id == versions[0].id)
        #expect(try await store.canaryPrompt(taskType: "code_generation")?.id == canary.id)
    }
}
