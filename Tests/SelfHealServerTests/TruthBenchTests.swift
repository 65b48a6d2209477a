import Foundation
@testable import SelfHealCommands
import Testing

/// `selfheal bench truth` on the shipped corpus, one task: the report has its three modes,
/// counts every candidate, and with tests the sandbox's verdict is right on the crude mutants.
@Suite("bench truth", .timeLimit(.minutes(3)))
struct TruthBenchTests {
    @Test("one task through the in-process evaluator in three modes")
    func oneTask() async throws {
        var corpus = try TruthCorpus.load(repositoryRoot.appendingPathComponent("bench/truth").path)
        #expect(corpus.tasks.count >= 50)
        // Loop mutants spin two cores for the sandbox's whole timeout: too heavy beside the
        // other suites; the benchmark itself runs them.
        corpus.mutants.removeAll { $0.kind == "loop" }
        let candidates = corpus.candidates(limit: 1)
        let benchmark = TruthBenchmark(
            corpus: corpus, limit: 1, url: nil, token: nil, rulesDirectory: shippedRules, concurrency: 4
        )
        let report = try await benchmark.run()
        #expect(report.modes.map(\.mode) == ["tests", "examples", "neither"])
        for mode in report.modes {
            #expect(mode.correctTotal == 1)
            #expect(mode.correctTotal + mode.kinds.map(\.total).reduce(0, +) == candidates.count)
            #expect(mode.errors == 0)
        }
        let withTests = try #require(report.modes.first)
        #expect(withTests.correctPassed == 1)
        for kind in withTests.kinds where ["stub", "syntax", "import_raise"].contains(kind.kind) {
            #expect(kind.caught == kind.total, "\(kind.kind): \(kind.caught)/\(kind.total)")
        }
        #expect(report.text().contains("balanced accuracy"))
        #expect(try report.json().contains("\"balanced_accuracy\""))
    }
}
