import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOFoundationEssentialsCompat
import NIOHTTP1
import SelfHealCore
import SelfHealLLM
import SelfHealRules
import SelfHealServer

/// Measures what selfheal itself adds around the LLM, the way a gateway is compared with
/// another: requests through `--role all` (`selfheal bench service`, in its own process) whose
/// provider is an OpenAI-compatible server that answers at once (`ZeroLatencyLLM`, in another),
/// beside the same client, in this process, calling that server straight. Added latency is the
/// difference of the medians; selfheal's CPU is its process's own CPU per request, read from
/// the kernel, so neither the load client's nor the LLM's is counted.
struct OverheadBenchmark {
    let requests: Int
    let levels: [Int]
    let rulesDirectory: String
    /// The LLM's OpenAI-compatible base URL (…/v1).
    let llmURL: String
    var generationModel = Env.get("LLM_MODEL") ?? ZeroLatencyLLM.generationModel
    var judgeModel = Env.get("LLM_JUDGE_MODEL") ?? ZeroLatencyLLM.judgeModel
    /// The selfheal binary that serves (`bench service`); nil: this one.
    var executable: String?
    /// Set in the service's environment on top of this process's (tests).
    var serviceEnvironment: [String: String] = [:]
    /// The zero-latency LLM when this benchmark started it: its own CPU per request is printed
    /// in every row of calls to it, the row's control (on a shared machine every process's CPU
    /// per call moves with the machine's speed of the moment, the LLM's as much as selfheal's).
    var llmProcess: BenchChildProcess?

    func run() async throws -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("selfheal-bench-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        // The service's own log handler at its level (`LOG_LEVEL`, info by default: one line
        // per request), as `selfheal --role all` runs; its lines go to a file, as a service's
        // would, not to this terminal.
        let level = try LoggingSetup.level(Env.get("LOG_LEVEL") ?? "info", from: "LOG_LEVEL")
        // What an answer without tests gets under these rules (`sandbox.smoke_runs`), for the labels.
        let quiet = Logger(label: "selfheal.bench", factory: { _ in SwiftLogNoOpLogHandler() })
        let withoutTests = try RulesEngine(directory: rulesDirectory, logger: quiet).current.policy.sandbox.smokeRuns
            ? "smoke run" : "compile-only"
        let service = try BenchChildProcess(
            executable: executable,
            arguments: [
                "bench", "service", "--database", "sqlite:\(directory.path)/bench.db", "--rules", rulesDirectory,
                "--log-file", directory.appendingPathComponent("selfheal.log").path,
            ],
            environment: serviceEnvironment.merging(
                ["LLM_PROVIDER": "openai", "LLM_BASE_URL": llmURL, "LLM_MODEL": generationModel, "LLM_JUDGE_MODEL": judgeModel]
            ) { _, benchmark in benchmark },
            name: "selfheal --role all"
        )
        defer { service.stop() }
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        var lines = [
            "selfheal bench overhead: --role all in its own process, SQLite (WAL), OpenAI-compatible LLM at \(llmURL) (own process), "
                + "\(requests) requests per level, \(ProcessInfo.processInfo.activeProcessorCount) cores, logs at \(level) to a file",
            "added p50: the median through selfheal less the median of the same client calling the LLM straight;",
            "selfheal CPU: the service process's own CPU (user + system) per request; client CPU: this process's, the load client's;",
            "LLM CPU: the zero-latency LLM's own per request, one call straight, two through selfheal (a control: on a shared machine",
            "every process's CPU per call moves with the machine's speed of the moment, the LLM's as selfheal's).",
            "",
        ]
        do {
            let direct = "\(llmURL)/chat/completions"
            let request = "http://127.0.0.1:\(service.port)/api/v1/request"
            let evaluate = "http://127.0.0.1:\(service.port)/api/v1/evaluate"
            _ = try await drive(client: client, url: direct, count: min(50, requests), concurrency: 4, bodies: chatBodies)
            _ = try await drive(client: client, url: request, count: min(50, requests), concurrency: 4, bodies: Self.requestBodies)
            _ = try await drive(client: client, url: evaluate, count: min(50, requests), concurrency: 4, bodies: Self.evaluateBodies(tests: true))
            var baseline: [Int: Measured] = [:]
            lines += [
                "POST /chat/completions straight to the LLM (one call, no selfheal):",
                pad(["concurrency", "p50 ms", "p99 ms", "req/s", "client CPU", "LLM CPU", "errors"]),
            ]
            for level in levels {
                let measured = try await measure(url: direct, concurrency: level, client: client, bodies: chatBodies, service: service)
                baseline[level] = measured
                lines.append(pad([
                    "\(level)", format(measured.p50), format(measured.p99), format(measured.rate, digits: 0), format(measured.clientCPU),
                    measured.llmCPU.map { format($0) } ?? "-", "\(measured.errors)",
                ]))
            }
            lines += [
                "", "POST /api/v1/request (generation, a \(withoutTests) in the sandbox, rules, the judge: two LLM calls, the log row):",
                pad(["concurrency", "p50 ms", "p99 ms", "req/s", "added p50", "selfheal CPU", "LLM CPU", "errors"]),
            ]
            var stages: [String] = []
            for level in levels {
                let measured = try await measure(
                    url: request, concurrency: level, client: client, bodies: Self.requestBodies, service: service, keepAnswers: true
                )
                let base = baseline[level]!
                lines.append(pad([
                    "\(level)", format(measured.p50), format(measured.p99), format(measured.rate, digits: 0),
                    format(measured.p50 - base.p50), format(measured.cpu), measured.llmCPU.map { format($0) } ?? "-", "\(measured.errors)",
                ]))
                if let inside = measured.stages {
                    stages.append(pad([
                        "\(level)", format(inside.total), format(inside.worker), format(inside.evaluator), format(inside.rest),
                    ]))
                }
            }
            // Where the time goes inside selfheal, from the answers' own `latency_ms`.
            if !stages.isEmpty {
                lines += ["inside selfheal, p50 of each answer's latency_ms (up to the log row; rest: the manager's own part):", pad(["concurrency", "total", "generation", "evaluation", "rest"])] + stages
            }
            // The evaluator alone, as a client that brings its own answer calls it: the sandbox
            // run (warm where the machine allows) is most of it.
            lines += [
                "", "POST /api/v1/evaluate of a 6-line answer (rules, the judge: one LLM call, the sandbox; examples: the request states one):",
                pad(["", "p50 ms", "p99 ms", "req/s", "selfheal CPU", "errors"]),
            ]
            // The last row's request states a worked example, which a smoke run runs in a fork
            // (labels are cut at 13 characters); the row before it states none, and its smoke run
            // may need no fork.
            for (label, tests, level, example) in [
                ("tests, 1", true, 1, false), ("tests, 8", true, 8, false), ("\(withoutTests), 1", false, 1, false),
                ("examples, 1", false, 1, true),
            ] {
                let measured = try await measure(
                    url: evaluate, concurrency: level, client: client, bodies: Self.evaluateBodies(tests: tests, example: example), service: service
                )
                lines.append(pad([
                    label, format(measured.p50), format(measured.p99), format(measured.rate, digits: 0),
                    format(measured.cpu), "\(measured.errors)",
                ]))
            }
        } catch {
            try? await client.shutdown()
            throw error
        }
        try? await client.shutdown()
        return lines.joined(separator: "\n")
    }

    struct Measured {
        /// `cpu`: the service's, per request, in ms; `clientCPU`: this process's; `llmCPU`: the
        /// zero-latency LLM's, when this benchmark started it.
        var p50: Double, p99: Double, rate: Double, cpu: Double, clientCPU: Double, llmCPU: Double?, errors: Int
        /// Medians of the answers' `latency_ms` (total, worker, evaluator), when they were kept.
        var stages: Stages?
    }

    /// Medians of the answers' `latency_ms`; `rest` is each answer's total less its two stages
    /// (the manager's own work until the log row), so the columns need not add up.
    struct Stages {
        var total: Double, worker: Double, evaluator: Double, rest: Double
    }

    /// `keepAnswers`: keep the response bodies and read their `latency_ms` once the CPU is read
    /// (reading them is the load client's work, not selfheal's).
    private func measure(
        url: String, concurrency: Int, client: HTTPClient, bodies: [ByteBuffer], service: BenchChildProcess, keepAnswers: Bool = false
    ) async throws -> Measured {
        let clientBefore = Self.cpuSeconds(), serviceBefore = service.cpuSeconds(), llmBefore = llmProcess?.cpuSeconds() ?? 0
        let started = ContinuousClock.now
        let result = try await drive(client: client, url: url, count: requests, concurrency: concurrency, bodies: bodies, keepAnswers: keepAnswers)
        let wall = (ContinuousClock.now - started).seconds
        let serviceCPU = service.cpuSeconds() - serviceBefore, clientCPU = Self.cpuSeconds() - clientBefore
        let llmCPU = llmProcess.map { $0.cpuSeconds() - llmBefore }
        let sorted = result.latencies.sorted()
        return Measured(
            p50: percentile(sorted, 0.50), p99: percentile(sorted, 0.99), rate: Double(requests) / wall,
            cpu: serviceCPU * 1000 / Double(requests), clientCPU: clientCPU * 1000 / Double(requests),
            llmCPU: llmCPU.map { $0 * 1000 / Double(requests) }, errors: result.errors,
            stages: stages(of: result.answers)
        )
    }

    private func stages(of answers: [ByteBuffer]) -> Stages? {
        var total: [Double] = [], worker: [Double] = [], evaluator: [Double] = [], rest: [Double] = []
        for answer in answers {
            guard let object = try? JSONSerialization.jsonObject(with: Data(buffer: answer)) as? [String: Any],
                let latency = object["latency_ms"] as? [String: Any],
                let t = latency["total"] as? Double, let w = latency["worker"] as? Double, let e = latency["evaluator"] as? Double
            else { continue }
            total.append(t)
            worker.append(w)
            evaluator.append(e)
            rest.append(t - w - e)
        }
        guard !total.isEmpty else { return nil }
        func median(_ values: [Double]) -> Double { percentile(values.sorted(), 0.5) }
        return Stages(total: median(total), worker: median(worker), evaluator: median(evaluator), rest: median(rest))
    }

    private static let inputs = [
        "Write a fibonacci function", "Write a function called is_prime that checks whether n is prime",
        "Reverse a string", "Implement binary search over a sorted list", "Write a Stack class",
    ]

    private static func json(_ object: [String: Any]) -> Data {
        (try? JSONSerialization.data(withJSONObject: object)) ?? Data()
    }

    // Bodies are encoded before the clock starts: their encoding is the load client's work,
    // which would otherwise count as selfheal's CPU.
    private static let requestBodies = inputs.map { input in
        ByteBuffer(data: json(["user_input": input, "task_type": "code_generation"]))
    }

    /// What the worker sends the LLM for one of the inputs, near enough: a system prompt and
    /// the user's request.
    private var chatBodies: [ByteBuffer] {
        Self.inputs.map { input in
            ByteBuffer(data: Self.json([
                "model": generationModel, "temperature": 0.2,
                "messages": [
                    ["role": "system", "content": SeedPrompts.codeGeneration],
                    ["role": "user", "content": input],
                ],
            ]))
        }
    }

    /// An answer with or without tests (without: a smoke run, compiled, read and imported), for
    /// a request that states a worked example or none.
    private static func evaluateBodies(tests: Bool, example: Bool = false) -> [ByteBuffer] {
        var body = [
            "task_type": "code_generation",
            "user_input": "Write a function add(a, b) that returns the sum of two numbers." + (example ? "\nFor example: add(2, 3) == 5" : ""),
            "output": "```python\ndef add(a, b):\n    \"\"\"Return the sum of a and b.\"\"\"\n    return a + b\n```", "entry_point": "add",
        ]
        if tests { body["tests"] = "def check(candidate):\n    assert candidate(2, 3) == 5\n    assert candidate(-1, 1) == 0\n" }
        return [ByteBuffer(data: json(body))]
    }

    private func drive(
        client: HTTPClient, url: String, count: Int, concurrency: Int, bodies: [ByteBuffer], keepAnswers: Bool = false
    ) async throws -> (latencies: [Double], errors: Int, answers: [ByteBuffer]) {
        return try await withThrowingTaskGroup(of: (Double, Bool, ByteBuffer?).self) { group in
            var latencies: [Double] = []
            var answers: [ByteBuffer] = []
            var errors = 0
            var next = 0
            func submit(_ index: Int) {
                group.addTask {
                    var request = HTTPClientRequest(url: url)
                    request.method = .POST
                    request.headers.add(name: "Content-Type", value: "application/json")
                    request.body = .bytes(bodies[index % bodies.count])
                    let start = ContinuousClock.now
                    let response = try await client.execute(request, timeout: .seconds(60))
                    let answer = try await response.body.collect(upTo: 4 << 20)
                    return ((ContinuousClock.now - start).seconds * 1000, response.status == .ok, keepAnswers ? answer : nil)
                }
            }
            while next < min(concurrency, count) { submit(next); next += 1 }
            while let (latency, ok, answer) = try await group.next() {
                latencies.append(latency)
                if let answer { answers.append(answer) }
                if !ok { errors += 1 }
                if next < count { submit(next); next += 1 }
            }
            return (latencies, errors, answers)
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
        cells.map { $0.padding(toLength: 13, withPad: " ", startingAt: 0) }.joined(separator: " ")
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
