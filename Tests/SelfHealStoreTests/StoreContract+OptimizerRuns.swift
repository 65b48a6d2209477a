import Foundation
import SelfHealCore
import Testing

extension StoreContract {
    static let optimizerRunChecks: [StoreCheck] = [
        StoreCheck("optimizer runs round-trip, newest first", optimizerRunsRoundTrip),
    ]

    static func optimizerRunsRoundTrip(_ harness: StoreHarness) async throws {
        let store = harness.store
        let base = Date(timeIntervalSince1970: 1_764_000_000.25)
        let canary = OptimizerRun(
            taskType: "code_generation", decision: "canary", trigger: "3 failures in 30 min", promptId: 1,
            candidateId: 2, evidence: [11, 12, 13], details: #"{"replay":{"candidate":0.9,"active":0.6}} — ✓"#,
            createdAt: base
        )
        let noop = OptimizerRun(taskType: "code_review", decision: "noop", createdAt: base.addingTimeInterval(10))
        let promote = OptimizerRun(
            taskType: "code_generation", decision: "promote", promptId: 2, createdAt: base.addingTimeInterval(20)
        )
        var ids: [Int64] = []
        for run in [canary, noop, promote] {
            ids.append(try await store.appendOptimizerRun(run))
        }
        #expect(Set(ids).count == 3)

        let all = try await store.optimizerRuns(taskType: nil, limit: 10)
        #expect(all.map(\.decision) == ["promote", "noop", "canary"])
        #expect(all.map(\.id) == [ids[2], ids[1], ids[0]])

        var stored = try #require(all.last)
        expectSameInstant(stored.createdAt, canary.createdAt)
        stored.createdAt = canary.createdAt
        var expected = canary
        expected.id = ids[0]
        #expect(stored == expected)
        #expect(all[1].trigger == nil && all[1].promptId == nil && all[1].candidateId == nil)
        #expect(all[1].evidence.isEmpty && all[1].details == nil)

        #expect(try await store.optimizerRuns(taskType: "code_generation", limit: 10).map(\.decision) == ["promote", "canary"])
        #expect(try await store.optimizerRuns(taskType: nil, limit: 1).map(\.decision) == ["promote"])
        #expect(try await store.optimizerRuns(taskType: "test_generation", limit: 10).isEmpty)
    }
}
