import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOFoundationEssentialsCompat
import NIOHTTP1
import SelfHealCore
import SelfHealLLM
import SelfHealServer
import SelfHealSimulated

/// Measures what selfheal itself adds around the LLM: requests through `--role all` with the
/// simulated provider (which answers in microseconds), at several concurrency levels.
struct OverheadBenchmark {
    let requests: Int
    let levels: [Int]
    let rulesDirectory: String

    func run() async throws -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("selfheal-bench-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        var logger = Logger(label: "selfheal.bench")
        logger.logLevel = .warning
        let config = RoleConfiguration(
            role: .all, port: 0, databaseURL: "sqlite:\(directory.path)/bench.db", rulesDirectory: rulesDirectory
        )
        let role = try await RunningRole.start(config: config, providers: LLMProviders(SimulatedProvider()), logger: logger)
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        var lines = [
            "selfheal bench overhead: --role all, SQLite (WAL), simulated LLM, \(requests) requests per level, \(ProcessInfo.processInfo.activeProcessorCount) cores",
            "CPU per request counts the whole process: server and the load-generating client together.",
            "",
            pad(["concurrency", "p50 ms", "p99 ms", "req/s", "CPU ms/req", "errors"]),
        ]
        do {
            let url = "http://127.0.0.1:\(role.port)/api/v1/request"
            _ = try await drive(client: client, url: url, count: min(50, requests), concurrency: 4, body: Self.requestBody)
            for level in levels {
                lines.append(try await row("\(level)", url: url, concurrency: level, client: client, body: Self.requestBody))
            }
            // The evaluator alone, as a client that brings its own answer calls it: the sandbox
            // run (warm where the machine allows) is most of it.
            let evaluate = "http://127.0.0.1:\(role.port)/api/v1/evaluate"
            lines += ["", "POST /api/v1/evaluate of a 6-line answer, simulated judge:", pad(["", "p50 ms", "p99 ms", "req/s", "CPU ms/req", "errors"])]
            _ = try await drive(client: client, url: evaluate, count: min(50, requests), concurrency: 4, body: Self.evaluateBody(tests: true))
            for (label, tests, level) in [("tests, 1", true, 1), ("tests, 8", true, 8), ("no tests, 1", false, 1)] {
                lines.append(try await row(label, url: evaluate, concurrency: level, client: client, body: Self.evaluateBody(tests: tests)))
            }
        } catch {
            try? await client.shutdown()
            await role.shutdown()
            throw error
        }
        try? await client.shutdown()
        await role.shutdown()
        return lines.joined(separator: "\n")
    }

    private func row(_ label: String, url: String, concurrency: Int, client: HTTPClient, body: @escaping @Sendable (Int) -> [String: String]) async throws -> String {
        let cpuBefore = Self.cpuSeconds()
        let started = ContinuousClock.now
        let result = try await drive(client: client, url: url, count: requests, concurrency: concurrency, body: body)
        let wall = (ContinuousClock.now - started).seconds
        let cpu = Self.cpuSeconds() - cpuBefore
        let sorted = result.latencies.sorted()
        return pad([
            label, format(percentile(sorted, 0.50)), format(percentile(sorted, 0.99)),
            format(Double(requests) / wall, digits: 0), format(cpu * 1000 / Double(requests)), "\(result.errors)",
        ])
    }

    private static let inputs = [
        "Write a fibonacci function", "Write a function called is_prime that checks whether n is prime",
        "Reverse a string", "Implement binary search over a sorted list", "Write a Stack class",
    ]

    private static let requestBody: @Sendable (Int) -> [String: String] = { index in
        ["user_input": inputs[index % inputs.count], "task_type": "code_generation"]
    }

    /// An answer with or without tests (without: a smoke run, compiled, read and imported).
    private static func evaluateBody(tests: Bool) -> @Sendable (Int) -> [String: String] {
        { _ in
            var body = [
                "task_type": "code_generation", "user_input": "Write a function add(a, b) that returns the sum of two numbers.",
                "output": "```python\ndef add(a, b):\n    \"\"\"Return the sum of a and b.\"\"\"\n    return a + b\n```", "entry_point": "add",
            ]
            if tests { body["tests"] = "def check(candidate):\n    assert candidate(2, 3) == 5\n    assert candidate(-1, 1) == 0\n" }
            return body
        }
    }

    private func drive(
        client: HTTPClient, url: String, count: Int, concurrency: Int, body: @escaping @Sendable (Int) -> [String: String]
    ) async throws -> (latencies: [Double], errors: Int) {
        return try await withThrowingTaskGroup(of: (Double, Bool).self) { group in
            var latencies: [Double] = []
            var errors = 0
            var next = 0
            func submit(_ index: Int) {
                group.addTask {
                    var request = HTTPClientRequest(url: url)
                    request.method = .POST
                    request.headers.add(name: "Content-Type", value: "application/json")
                    request.body = .bytes(ByteBuffer(data: try JSONEncoder().encode(body(index))))
                    let start = ContinuousClock.now
                    let response = try await client.execute(request, timeout: .seconds(60))
                    _ = try await response.body.collect(upTo: 4 << 20)
                    return ((ContinuousClock.now - start).seconds * 1000, response.status == .ok)
                }
            }
            while next < min(concurrency, count) { submit(next); next += 1 }
            while let (latency, ok) = try await group.next() {
                latencies.append(latency)
                if !ok { errors += 1 }
                if next < count { submit(next); next += 1 }
            }
            return (latencies, errors)
        }
    }

    private func percentile(_ sorted: [Double], _ p: Double) -> Double {
        guard !sorted.isEmpty else { return 0 }
        return sorted[min(sorted.count - 1, Int((Double(sorted.count - 1) * p).rounded()))]
    }

    private func format(_ value: Double, digits: Int = 2) -> String {
        String(format: "%.\(digits)f", value)
    }

    private func pad(_ cells: [String]) -> String {
        cells.map { $0.padding(toLength: 12, withPad: " ", startingAt: 0) }.joined(separator: " ")
    }

    static func cpuSeconds() -> Double {
        var usage = rusage()
        getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
        let user = Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6
        let system = Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) / 1e6
        return user + system
    }
}

extension Duration {
    var seconds: Double {
        let (s, atto) = components
        return Double(s) + Double(atto) / 1e18
    }
}
