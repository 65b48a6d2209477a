import Foundation
import SelfHealCore
import Testing

extension StoreContract {
    static let lifecycleChecks: [StoreCheck] = [
        StoreCheck("migrating again changes nothing", migrateAgainIsNoOp),
        StoreCheck("data survives closing and reopening", dataSurvivesReopen),
        StoreCheck("several handles migrate at once", concurrentMigrations),
        StoreCheck("two handles write at once without losing a row", twoHandlesWriteConcurrently),
        StoreCheck("a closed store reports unavailable", closedStoreIsUnavailable),
    ]

    /// Writes one of everything; `expectSampleData` checks it is still there.
    static func writeSampleData(_ store: any Store) async throws -> Int64 {
        try await store.seedPrompts([seed("code_generation")])
        _ = try await store.appendOptimizerRun(OptimizerRun(taskType: "code_generation", decision: "noop"))
        return try await store.appendLog(fullLog())
    }

    static func expectSampleData(_ store: any Store, logId: Int64, sourceLocation: SourceLocation = #_sourceLocation) async throws {
        #expect(try await store.activePrompt(taskType: "code_generation")?.text == "You write Python.", sourceLocation: sourceLocation)
        #expect(try await store.optimizerRuns(taskType: nil, limit: 10).map(\.decision) == ["noop"], sourceLocation: sourceLocation)
        expectSameLog(try await store.log(id: logId), fullLog(), id: logId, sourceLocation: sourceLocation)
    }

    static func migrateAgainIsNoOp(_ harness: StoreHarness) async throws {
        let store = harness.store
        let logId = try await writeSampleData(store)
        try await store.migrate()
        try await store.migrate()
        try await store.ping()
        try await expectSampleData(store, logId: logId)
    }

    static func dataSurvivesReopen(_ harness: StoreHarness) async throws {
        let logId = try await writeSampleData(harness.store)
        try await harness.store.close()

        let reopened = try await harness.openAnother()
        try await reopened.migrate()
        try await expectSampleData(reopened, logId: logId)
        // And it keeps numbering where the first handle stopped.
        let next = try await reopened.createPrompt(NewPrompt(taskType: "code_generation", text: "v2", status: .active, author: .operator))
        #expect(next.version == 2)
    }

    static func concurrentMigrations(_ harness: StoreHarness) async throws {
        let logId = try await writeSampleData(harness.store)
        var others: [any Store] = []
        for _ in 0..<3 {
            others.append(try await harness.openAnother())
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for store in others + [harness.store] {
                group.addTask { try await store.migrate() }
            }
            try await group.waitForAll()
        }
        for store in others {
            try await expectSampleData(store, logId: logId)
        }
    }

    static func twoHandlesWriteConcurrently(_ harness: StoreHarness) async throws {
        let other = try await harness.openAnother()
        try await other.migrate()
        let perHandle = 50
        // Log tasks return the new id; prompt tasks return nil.
        let ids = try await withThrowingTaskGroup(of: Int64?.self) { group in
            for (handle, store) in [harness.store, other].enumerated() {
                for number in 0..<perHandle {
                    group.addTask {
                        try await store.appendLog(ExecutionLog(
                            requestId: "h\(handle)-\(number)", taskType: "code_generation", userInput: "x", status: .ok
                        ))
                    }
                }
            }
            // Prompt writes from both handles race as well.
            group.addTask {
                _ = try await harness.store.createPrompt(NewPrompt(taskType: "t", text: "a", status: .active, author: .operator))
                return nil
            }
            group.addTask {
                _ = try await other.createPrompt(NewPrompt(taskType: "t", text: "b", status: .active, author: .operator))
                return nil
            }
            return try await group.reduce(into: Set<Int64>()) { ids, id in
                if let id { ids.insert(id) }
            }
        }
        #expect(try await other.recentLogs(taskType: nil, since: .distantPast, limit: 1_000).count == 2 * perHandle)
        #expect(try await harness.store.recentLogs(taskType: nil, since: .distantPast, limit: 1_000).count == 2 * perHandle)
        #expect(ids.count == 2 * perHandle)
        let prompts = try await other.prompts(taskType: "t")
        #expect(prompts.map(\.version) == [2, 1])
        #expect(prompts.filter { $0.status == .active }.count == 1)
    }

    static func closedStoreIsUnavailable(_ harness: StoreHarness) async throws {
        let store = harness.store
        try await store.ping()
        try await store.close()
        await expectStoreError(.unavailable) { try await store.ping() }
        await expectStoreError(.unavailable) { try await store.activePrompt(taskType: "code_generation") }
        await expectStoreError(.unavailable) {
            try await store.appendLog(ExecutionLog(requestId: "r", taskType: "code_generation", userInput: "x", status: .ok))
        }
        // Closing twice is harmless (shutdown paths often do).
        try await store.close()
    }
}
