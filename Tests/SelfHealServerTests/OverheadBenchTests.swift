import Foundation
import ServiceLifecycle
@testable import SelfHealCommands
import Logging
import Synchronization
import Testing

/// `selfheal bench overhead` against the zero-latency LLM (here in this process; the command
/// starts it in its own): the pipeline really calls the LLM for generation and for the judge,
/// every row is measured without errors, and added latency is reported beside the baseline.
@Suite("bench overhead", .timeLimit(.minutes(3)))
struct OverheadBenchTests {
    @Test("requests and evaluations through an OpenAI-compatible zero-latency server")
    func againstZeroLatencyServer() async throws {
        let calls = Mutex<(generation: Int, judge: Int)>((0, 0))
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let app = ZeroLatencyLLM.application(port: 0, ready: { port in
            continuation.yield(port)
            continuation.finish()
        }, onCall: { isJudge in
            calls.withLock { if isJudge { $0.judge += 1 } else { $0.generation += 1 } }
        })
        let quiet = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })
        let group = ServiceGroup(configuration: .init(services: [app], logger: quiet))
        let server = Task { try await group.run() }
        defer { server.cancel() }
        var iterator = ports.makeAsyncIterator()
        let port = try #require(await iterator.next())

        let report: String
        do {
            report = try await OverheadBenchmark(requests: 6, levels: [1, 2], rulesDirectory: shippedRules, llmURL: "http://127.0.0.1:\(port)/v1").run()
        } catch {
            await group.triggerGracefulShutdown()
            throw error
        }
        await group.triggerGracefulShutdown()

        let seen = calls.withLock { $0 }
        // Warm-up and measured calls: straight ones and the worker's are generation calls; each
        // request and evaluation asks the judge once.
        #expect(seen.generation >= 2 * 6 + 2 * 6)
        #expect(seen.judge >= 2 * 6 + 3 * 6)
        #expect(report.contains("straight to the LLM"))
        #expect(report.contains("added p50"))
        let rows = report.split(separator: "\n").filter { line in
            guard let first = line.split(separator: " ").first else { return false }
            return Int(first) != nil || ["tests,", "smoke"].contains(String(first))
        }
        #expect(rows.count == 2 + 2 + 3, "\(report)")
        for row in rows {
            #expect(row.split(separator: " ").last == "0", "a row with errors: \(row)")
        }
    }
}
