import Foundation
import Logging
import SelfHealCore
import SelfHealLua

/// `selfheal bench rules`: how long the default rules take on a typical 60-line answer, how long
/// a full reload (read, hash, validate into a fresh state) takes, and how long 160 KB answers
/// shaped to hurt the rules take (`RulesBenchmark+LongAnswers.swift`).
public enum RulesBenchmark {
    public static func run(rulesDirectory: String, iterations: Int = 2000) async throws -> String {
        let iterations = max(10, iterations)
        let engine = try RulesEngine(directory: rulesDirectory, logger: Logger(label: "bench", factory: { _ in SwiftLogNoOpLogHandler() }))
        let context = SampleOutputs.samples[0].context
        let lines = context.code.split(separator: "\n", omittingEmptySubsequences: false).count
        let clock = ContinuousClock()

        for _ in 0..<50 { _ = engine.scoreBlocking(context) }
        var direct: [Double] = []
        direct.reserveCapacity(iterations)
        for _ in 0..<iterations {
            let start = clock.now
            _ = engine.scoreBlocking(context)
            direct.append((clock.now - start).secondsValue)
        }

        // Through the async API, including the hop to the thread pool and back.
        var viaPool: [Double] = []
        for _ in 0..<min(iterations, 500) {
            let start = clock.now
            _ = await engine.score(context)
            viaPool.append((clock.now - start).secondsValue)
        }

        var polls: [Double] = []
        var reloads: [Double] = []
        for _ in 0..<20 {
            var start = clock.now
            let snapshot = try LuaFolderSnapshot.read(directory: rulesDirectory)
            polls.append((clock.now - start).secondsValue)
            start = clock.now
            _ = try RuleSetLoader.load(snapshot, limits: engine.limits).get()
            reloads.append((clock.now - start).secondsValue)
        }

        let score = engine.scoreBlocking(context)
        let applicable = score.rules.count
        var out = "rules benchmark: \(rulesDirectory) (version \(score.version))\n"
        out += "answer: \(lines) lines of Python, \(applicable) applicable rules, rule score \(String(format: "%.2f", score.ruleScore ?? 0))\n"
        out += row("score (calling thread)", direct, iterations: iterations)
        out += row("score (async, thread pool)", viaPool, iterations: viaPool.count)
        out += row("poll (read + hash folder)", polls, iterations: polls.count)
        out += row("full reload (read + validate)", reloads, iterations: reloads.count)
        let median = percentile(direct, 0.5)
        out += median < 100e-6 ? "target < 100 µs per score: met\n" : "target < 100 µs per score: NOT met\n"
        out += longAnswerRows(engine: engine)
        return out
    }

    static func row(_ label: String, _ samples: [Double], iterations: Int) -> String {
        let padded = label + String(repeating: " ", count: max(1, 32 - label.count))
        return padded + "median \(micros(percentile(samples, 0.5)))  p99 \(micros(percentile(samples, 0.99)))  (n=\(iterations))\n"
    }

    static func percentile(_ samples: [Double], _ p: Double) -> Double {
        guard !samples.isEmpty else { return 0 }
        let sorted = samples.sorted()
        return sorted[min(sorted.count - 1, Int(Double(sorted.count - 1) * p + 0.5))]
    }

    static func micros(_ seconds: Double) -> String {
        seconds >= 1e-3 ? String(format: "%.2f ms", seconds * 1e3) : String(format: "%.1f µs", seconds * 1e6)
    }
}
