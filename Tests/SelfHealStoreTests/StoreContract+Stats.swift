import Foundation
import SelfHealCore
import Testing

/// The numbers behind the stats API and the dashboard, computed from a known set of logs.
extension StoreContract {
    static let statsChecks: [StoreCheck] = [
        StoreCheck("stats of an empty store are zeros, nils and ten empty buckets", statsOfEmptyStore),
        StoreCheck("stats summary counts, averages and optimizer runs in the window", statsSummaryOfKnownLogs),
        StoreCheck("p95 latency is the nearest-rank value", p95IsNearestRank),
        StoreCheck("stats by task type", statsByTaskTypeOfKnownLogs),
        StoreCheck("score distribution: ten buckets, 1.0 in the last, bounds exact", scoreDistributionBuckets),
        StoreCheck("recent failures: failed or errored, newest first, limited", recentFailuresOfKnownLogs),
        StoreCheck("prompt performance per version that served in the window", promptPerformanceOfKnownLogs),
    ]

    /// total, passed, failed, errors
    static func counts(_ row: TaskTypeStats) -> [Int] {
        [row.total, row.passed, row.failed, row.errors]
    }

    /// Sums of a few Doubles differ from the decimal result by an ulp or two.
    static func expectClose(
        _ got: Double?, _ want: Double?, sourceLocation: SourceLocation = #_sourceLocation
    ) {
        switch (got, want) {
        case (nil, nil):
            return
        case (let got?, let want?):
            #expect(abs(got - want) < 1e-9, "\(got) != \(want)", sourceLocation: sourceLocation)
        default:
            Issue.record("\(String(describing: got)) != \(String(describing: want))", sourceLocation: sourceLocation)
        }
    }

    /// The fixed data set the stats checks read. The window is the last hour before `now`;
    /// the `old` entries lie outside it and must not count.
    struct StatsFixture {
        let now: Date
        var since: Date { now.addingTimeInterval(-3_600) }
        let generationActive: PromptVersion
        let generationCanary: PromptVersion
        let reviewActive: PromptVersion
        /// Log ids in append order (see `write`).
        let logIds: [Int64]

        static func write(_ store: any Store) async throws -> StatsFixture {
            let now = Date()
            try await store.seedPrompts([seed("code_generation"), seed("code_review")])
            let generationActive = try #require(try await store.activePrompt(taskType: "code_generation"))
            let reviewActive = try #require(try await store.activePrompt(taskType: "code_review"))
            let generationCanary = try await store.createPrompt(
                NewPrompt(taskType: "code_generation", text: "canary", status: .canary, author: .optimizer)
            )

            func log(
                _ name: String, _ taskType: String, _ prompt: PromptVersion?, _ status: ExecutionStatus,
                passed: Bool = false, scores: (Double, Double, Double)? = nil, latency: Double, secondsAgo: Double
            ) -> ExecutionLog {
                ExecutionLog(
                    requestId: name, taskType: taskType, userInput: name, status: status,
                    error: status == .ok ? nil : "\(status.rawValue) in \(name)", promptId: prompt?.id,
                    promptVersion: prompt?.version, ruleScore: scores?.0, judgeScore: scores?.1, finalScore: scores?.2,
                    passed: passed, latencyTotalMs: latency, createdAt: now.addingTimeInterval(-secondsAgo)
                )
            }
            let logs = [
                log("gen-pass-1", "code_generation", generationActive, .ok, passed: true, scores: (1.0, 0.8, 0.88), latency: 100, secondsAgo: 700),
                log("gen-pass-2", "code_generation", generationActive, .ok, passed: true, scores: (0.5, 1.0, 0.8), latency: 200, secondsAgo: 600),
                log("gen-fail", "code_generation", generationCanary, .ok, scores: (0.25, 0.5, 0.4), latency: 300, secondsAgo: 500),
                log("gen-worker-error", "code_generation", generationCanary, .workerError, latency: 50, secondsAgo: 400),
                log("review-fail", "code_review", reviewActive, .ok, scores: (0.0, 0.0, 0.0), latency: 400, secondsAgo: 300),
                log("review-pass", "code_review", reviewActive, .ok, passed: true, scores: (1.0, 1.0, 1.0), latency: 150, secondsAgo: 200),
                log("review-evaluator-error", "code_review", reviewActive, .evaluatorError, latency: 250, secondsAgo: 100),
                // Served by a prompt this database does not hold (e.g. restored from another deployment).
                ExecutionLog(
                    requestId: "test-pass-unknown-prompt", taskType: "test_generation", userInput: "t", status: .ok,
                    promptId: 999_999, promptVersion: 7, ruleScore: 0.7, judgeScore: 0.7, finalScore: 0.7, passed: true,
                    latencyTotalMs: 350, createdAt: now.addingTimeInterval(-50)
                ),
                // Two hours old: outside the window, but still a recent failure.
                log("old-fail", "code_generation", generationActive, .ok, scores: (0.1, 0.1, 0.1), latency: 10_000, secondsAgo: 7_200),
            ]
            var logIds: [Int64] = []
            // Appended out of time order: every order must come from the data.
            for entry in logs.reversed() {
                logIds.insert(try await store.appendLog(entry), at: 0)
            }

            for (decision, secondsAgo) in [("canary", 900.0), ("noop", 800), ("noop", 30), ("promote", 7_200)] {
                _ = try await store.appendOptimizerRun(OptimizerRun(
                    taskType: "code_generation", decision: decision, createdAt: now.addingTimeInterval(-secondsAgo)
                ))
            }
            return StatsFixture(
                now: now, generationActive: generationActive, generationCanary: generationCanary,
                reviewActive: reviewActive, logIds: logIds
            )
        }
    }

    static func statsOfEmptyStore(_ harness: StoreHarness) async throws {
        let store = harness.store
        let summary = try await store.statsSummary(since: .distantPast)
        #expect(summary == StatsSummary(
            total: 0, passed: 0, failed: 0, errors: 0, passRate: 0,
            averageScores: ScoreAverages(rules: nil, judge: nil, final: nil),
            latencyMs: LatencySummary(average: nil, p95: nil), activePrompts: [],
            optimizerRuns: OptimizerActivity(total: 0, byDecision: [:])
        ))
        #expect(try await store.statsByTaskType(since: .distantPast).isEmpty)
        let buckets = try await store.scoreDistribution(since: .distantPast)
        #expect(buckets.count == 10)
        #expect(buckets.allSatisfy { $0.count == 0 })
        #expect(try await store.recentFailures(limit: 10).isEmpty)
        #expect(try await store.promptPerformance(since: .distantPast).isEmpty)
    }

    static func statsSummaryOfKnownLogs(_ harness: StoreHarness) async throws {
        let store = harness.store
        let fixture = try await StatsFixture.write(store)
        let summary = try await store.statsSummary(since: fixture.since)
        #expect(summary.total == 8)
        #expect(summary.passed == 4)
        #expect(summary.failed == 2)
        #expect(summary.errors == 2)
        expectClose(summary.passRate, 4.0 / 6.0)
        expectClose(summary.averageScores.rules, (1.0 + 0.5 + 0.25 + 0.0 + 1.0 + 0.7) / 6)
        expectClose(summary.averageScores.judge, (0.8 + 1.0 + 0.5 + 0.0 + 1.0 + 0.7) / 6)
        expectClose(summary.averageScores.final, (0.88 + 0.8 + 0.4 + 0.0 + 1.0 + 0.7) / 6)
        expectClose(summary.latencyMs.average, 1_800.0 / 8)
        // ⌈0.95 · 8⌉ = 8: the slowest of the eight; the 10 s request two hours ago is outside.
        expectClose(summary.latencyMs.p95, 400)
        #expect(summary.activePrompts == [
            ActivePromptSummary(taskType: "code_generation", id: fixture.generationActive.id, version: 1),
            ActivePromptSummary(taskType: "code_review", id: fixture.reviewActive.id, version: 1),
        ])
        #expect(summary.optimizerRuns == OptimizerActivity(total: 3, byDecision: ["canary": 1, "noop": 2]))

        // A wider window takes in the old entries.
        let all = try await store.statsSummary(since: fixture.now.addingTimeInterval(-86_400))
        #expect(all.total == 9)
        #expect(all.failed == 3)
        expectClose(all.latencyMs.p95, 10_000)
        #expect(all.optimizerRuns.byDecision == ["canary": 1, "noop": 2, "promote": 1])
        // A window in the future holds nothing.
        #expect(try await store.statsSummary(since: fixture.now.addingTimeInterval(60)).total == 0)
    }

    static func p95IsNearestRank(_ harness: StoreHarness) async throws {
        let store = harness.store
        // 20 requests taking 10, 20, ..., 200 ms, appended in a scrambled order.
        for number in [7, 19, 3, 12, 1, 20, 15, 9, 4, 18, 11, 6, 14, 2, 17, 8, 13, 5, 16, 10] {
            _ = try await store.appendLog(ExecutionLog(
                requestId: "r\(number)", taskType: "code_generation", userInput: "x", status: .ok,
                finalScore: 0.9, passed: true, latencyTotalMs: Double(number * 10)
            ))
        }
        let summary = try await store.statsSummary(since: .distantPast)
        // ⌈0.95 · 20⌉ = 19: the 19th fastest, not the slowest and not an interpolation.
        expectClose(summary.latencyMs.p95, 190)
        expectClose(summary.latencyMs.average, 105)
        expectClose(summary.passRate, 1)
    }

    static func statsByTaskTypeOfKnownLogs(_ harness: StoreHarness) async throws {
        let store = harness.store
        let fixture = try await StatsFixture.write(store)
        let rows = try await store.statsByTaskType(since: fixture.since)
        #expect(rows.map(\.taskType) == ["code_generation", "code_review", "test_generation"])
        guard rows.count == 3 else { return }
        let (generation, review, test) = (rows[0], rows[1], rows[2])
        #expect(counts(generation) == [4, 2, 1, 1])
        expectClose(generation.passRate, 2.0 / 3.0)
        expectClose(generation.avgFinal, (0.88 + 0.8 + 0.4) / 3)
        expectClose(generation.avgLatencyMs, (100.0 + 200 + 300 + 50) / 4)
        #expect(counts(review) == [3, 1, 1, 1])
        expectClose(review.passRate, 0.5)
        expectClose(review.avgFinal, 0.5)
        expectClose(review.avgLatencyMs, 800.0 / 3)
        #expect(counts(test) == [1, 1, 0, 0])
        expectClose(test.passRate, 1)
        expectClose(test.avgFinal, 0.7)
        expectClose(test.avgLatencyMs, 350)

        // A task type with only errors has a pass rate of 0 and no mean score.
        let errorsOnly = try await store.statsByTaskType(since: fixture.now.addingTimeInterval(-450))
        let onlyError = try #require(errorsOnly.first { $0.taskType == "code_generation" })
        #expect(counts(onlyError) == [1, 0, 0, 1])
        #expect(onlyError.passRate == 0)
        #expect(onlyError.avgFinal == nil)
    }

    static func scoreDistributionBuckets(_ harness: StoreHarness) async throws {
        let store = harness.store
        let scores = [0.0, 0.0999, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 1.0, 0.3, 0.7]
        for (number, score) in scores.enumerated() {
            _ = try await store.appendLog(ExecutionLog(
                requestId: "s\(number)", taskType: "code_generation", userInput: "x", status: .ok,
                finalScore: score, passed: score >= 0.7
            ))
        }
        // Errors have no score and are not counted; neither are logs older than the window.
        _ = try await store.appendLog(ExecutionLog(requestId: "e", taskType: "code_generation", userInput: "x", status: .workerError))
        _ = try await store.appendLog(ExecutionLog(
            requestId: "old", taskType: "code_generation", userInput: "x", status: .ok, finalScore: 0.55,
            createdAt: Date().addingTimeInterval(-7_200)
        ))

        let buckets = try await store.scoreDistribution(since: Date().addingTimeInterval(-3_600))
        #expect(buckets.map(\.count) == [2, 1, 1, 2, 1, 1, 1, 2, 1, 3])
        #expect(buckets.map(\.lower) == [0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9])
        #expect(buckets.map(\.upper) == [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0])
        #expect(try await store.scoreDistribution(since: .distantPast)[5].count == 2)
    }

    static func recentFailuresOfKnownLogs(_ harness: StoreHarness) async throws {
        let store = harness.store
        let fixture = try await StatsFixture.write(store)
        let failures = try await store.recentFailures(limit: 10)
        #expect(failures.map(\.requestId) == ["review-evaluator-error", "review-fail", "gen-worker-error", "gen-fail", "old-fail"])
        #expect(failures.map(\.id) == [6, 4, 3, 2, 8].map { fixture.logIds[$0] })
        // Whole logs: the caller reads the error and the evaluation from them.
        #expect(failures[0].error == "evaluator_error in review-evaluator-error")
        #expect(failures[1].finalScore == 0.0)
        #expect(try await store.recentFailures(limit: 2).map(\.requestId) == ["review-evaluator-error", "review-fail"])
        #expect(try await store.recentFailures(limit: 0).isEmpty)
    }

    static func promptPerformanceOfKnownLogs(_ harness: StoreHarness) async throws {
        let store = harness.store
        let fixture = try await StatsFixture.write(store)
        let rows = try await store.promptPerformance(since: fixture.since)
        #expect(rows.map(\.promptId) == [
            fixture.generationCanary.id, fixture.generationActive.id, fixture.reviewActive.id, 999_999,
        ])
        guard rows.count == 4 else { return }
        let (canary, active, review, unknown) = (rows[0], rows[1], rows[2], rows[3])
        let at = { (secondsAgo: Double) in fixture.now.addingTimeInterval(-secondsAgo) }

        #expect(canary.taskType == "code_generation" && canary.version == 2 && canary.status == .canary)
        #expect(canary.samples == 2 && canary.passed == 0)
        expectClose(canary.passRate, 0)
        expectClose(canary.avgScore, 0.4)
        expectSameInstant(canary.firstSeen, at(500))
        expectSameInstant(canary.lastSeen, at(400))

        // The two-hour-old log of this version is outside the window.
        #expect(active.taskType == "code_generation" && active.version == 1 && active.status == .active)
        #expect(active.samples == 2 && active.passed == 2)
        expectClose(active.passRate, 1)
        expectClose(active.avgScore, 0.84)
        expectSameInstant(active.firstSeen, at(700))
        expectSameInstant(active.lastSeen, at(600))

        #expect(review.taskType == "code_review" && review.version == 1 && review.status == .active)
        #expect(review.samples == 3 && review.passed == 1)
        expectClose(review.passRate, 0.5)
        expectClose(review.avgScore, 0.5)

        #expect(unknown.taskType == "test_generation" && unknown.version == 7 && unknown.status == nil)
        #expect(unknown.samples == 1 && unknown.passed == 1)
        expectSameInstant(unknown.firstSeen, at(50))

        // A status change shows at once.
        _ = try await store.activatePrompt(id: fixture.generationCanary.id, reason: "canary won")
        let after = try await store.promptPerformance(since: fixture.since)
        #expect(after.first?.status == .active)
        #expect(after.dropFirst().first?.status == .retired)
    }
}
