import SelfHealCore
import Testing
@testable import SelfHealRules

@Suite struct ConcurrencyTests {
    @Test func manyConcurrentEvaluationsMatchSequentialOnes() async throws {
        let engine = try RulesEngine(directory: shippedRules, logger: quietLogger)
        let contexts = SampleOutputs.samples.map(\.context)
        let expected = contexts.map { engine.scoreBlocking($0) }
        let results = await withTaskGroup(of: (Int, RuleSetScore).self) { group in
            for i in 0..<400 {
                group.addTask { (i % contexts.count, await engine.score(contexts[i % contexts.count])) }
            }
            var all: [(Int, RuleSetScore)] = []
            for await result in group { all.append(result) }
            return all
        }
        #expect(results.count == 400)
        for (index, score) in results {
            #expect(score == expected[index])
        }
    }

    @Test func evaluationsDuringReloadsAreEachConsistentWithOneSet() async throws {
        let folder = try TempFolder([
            "scoring.lua": scoring(),
            "a.lua": rule("a", weight: 1, "return 1"),
            "b.lua": rule("b", weight: 1, "return 0"),
        ])
        let engine = try RulesEngine(directory: folder.path, logger: quietLogger)
        let versionA = engine.status.version
        try folder.write("b.lua", rule("b", weight: 3, "return 0"))
        _ = engine.reloadIfChanged()
        let versionB = engine.status.version
        let context = pythonContext("x", "y")
        // Each set's own rule score: a version must never be reported with the other's score.
        let expected = [versionA: 0.5, versionB: 0.25]
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                for i in 0..<40 {
                    try? folder.write("b.lua", rule("b", weight: i % 2 == 0 ? 1 : 3, "return 0"))
                    _ = engine.reloadIfChanged()
                }
            }
            for _ in 0..<300 {
                group.addTask {
                    let score = await engine.score(context)
                    #expect(expected[score.version] == score.ruleScore, "\(score.version) \(score.ruleScore ?? -1)")
                }
            }
        }
    }
}
