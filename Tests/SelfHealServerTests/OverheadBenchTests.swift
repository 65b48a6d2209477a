import Foundation
import ServiceLifecycle
@testable import SelfHealCommands
import Logging
import Synchronization
import Testing

/// `selfheal bench overhead` against the zero-latency LLM (here in this process; the command
/// starts it in its own), selfheal serving in a process of its own: the pipeline really calls
/// the LLM for generation and for the judge, every row is measured without errors, added
/// latency is reported beside the baseline, and selfheal's CPU is its process's.
@Suite("bench overhead", .timeLimit(.minutes(3)))
struct OverheadBenchTests {
    @Test("requests and evaluations through an OpenAI-compatible zero-latency server")
    func againstZeroLatencyServer() async throws {
        let calls = Mutex<(generation: Int, judge: Int, authorized: Int)>((0, 0, 0))
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let app = ZeroLatencyLLM.application(port: 0, ready: { port in
            continuation.yield(port)
            continuation.finish()
        }, onCall: { isJudge, authorized in
            calls.withLock {
                if isJudge { $0.judge += 1 } else { $0.generation += 1 }
                if authorized { $0.authorized += 1 }
            }
        })
        let quiet = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })
        let group = ServiceGroup(configuration: .init(services: [app], logger: quiet))
        let server = Task { try await group.run() }
        defer { server.cancel() }
        var iterator = ports.makeAsyncIterator()
        let port = try #require(await iterator.next())

        let report: String
        do {
            var benchmark = OverheadBenchmark(requests: 6, levels: [1, 2], rulesDirectory: shippedRules, llmURL: "http://127.0.0.1:\(port)/v1")
            // The service runs in a process of its own: the selfheal binary these tests built.
            benchmark.executable = selfhealBinary
            // A key in the user's environment stays there: the benchmark's own settings only.
            benchmark.serviceEnvironment = ["LLM_API_KEY": "sk-from-the-users-shell"]
            report = try await benchmark.run()
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
        #expect(seen.authorized == 0, "the service sent the user's LLM_API_KEY")
        #expect(report.contains("straight to the LLM"))
        #expect(report.contains("added p50"))
        let lines = report.split(separator: "\n").map(String.init)
        func startsWithLevel(_ line: String) -> Bool { line.split(separator: " ").first.map { Int($0) != nil } ?? false }
        // Where the time went inside selfheal, per level: every stage measured, none negative.
        let inside = try #require(lines.firstIndex { $0.hasPrefix("inside selfheal") }, "\(report)")
        let stages = lines[(inside + 2)...].prefix(while: startsWithLevel)
        #expect(stages.count == 2, "\(report)")
        for row in stages {
            let cells = row.split(separator: " ").compactMap { Double($0) }
            #expect(cells.count == 5, "\(row)")
            if cells.count == 5 {
                #expect(cells[1] > 0 && cells[2] > 0 && cells[3] > 0, "total, generation and evaluation took time: \(row)")
                #expect(cells[4] >= 0, "the stages fit in the total: \(row)")
            }
        }
        let rows = lines.enumerated().filter { index, line in
            guard !(inside + 2..<inside + 2 + stages.count).contains(index), let first = line.split(separator: " ").first else { return false }
            return Int(first) != nil || ["tests,", "smoke", "examples,"].contains(String(first))
        }.map(\.element)
        #expect(rows.count == 2 + 2 + 4, "\(report)")
        for row in rows {
            #expect(row.split(separator: " ").last == "0", "a row with errors: \(row)")
        }
        // The service's own CPU, read from the kernel: some for every row through selfheal.
        let request = try #require(lines.firstIndex { $0.hasPrefix("POST /api/v1/request") }, "\(report)")
        for row in lines[(request + 2)...].prefix(while: startsWithLevel) {
            let cells = row.split(separator: " ").compactMap { Double($0) }
            #expect(cells.count == 7 && cells[5] > 0, "selfheal CPU: \(row)")
        }
    }

    @Test("the zero-latency LLM the command starts in its own process: its CPU per request is printed beside the straight calls and those through selfheal")
    func printsTheLLMsCPU() async throws {
        let llm = try BenchChildProcess(executable: selfhealBinary, arguments: ["bench", "zero-llm"], name: "the zero-latency LLM server")
        defer { llm.stop() }
        var benchmark = OverheadBenchmark(requests: 6, levels: [1], rulesDirectory: shippedRules, llmURL: "http://127.0.0.1:\(llm.port)/v1")
        benchmark.executable = selfhealBinary
        benchmark.llmProcess = llm
        let report = try await benchmark.run()
        let lines = report.split(separator: "\n").map(String.init)
        let straight = try #require(lines.firstIndex { $0.hasPrefix("POST /chat/completions straight") }, "\(report)")
        #expect(lines[straight + 1].contains("LLM CPU"))
        let cells = lines[straight + 2].split(separator: " ").compactMap { Double($0) }
        // concurrency, p50, p99, req/s, client CPU, LLM CPU, errors: the LLM spent some CPU on its calls.
        #expect(cells.count == 7 && cells[5] > 0 && cells[6] == 0, "\(lines[straight + 2])")
        // Through selfheal too (two calls a request): concurrency, p50, p99, req/s, added p50, selfheal CPU, LLM CPU, errors.
        let request = try #require(lines.firstIndex { $0.hasPrefix("POST /api/v1/request") }, "\(report)")
        let through = lines[request + 2].split(separator: " ").compactMap { Double($0) }
        #expect(through.count == 8 && through[5] > 0 && through[6] > 0 && through[7] == 0, "\(lines[request + 2])")
    }
}
