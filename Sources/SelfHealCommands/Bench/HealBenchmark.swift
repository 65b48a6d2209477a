import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOFoundationEssentialsCompat
import NIOHTTP1
import SelfHealCore
import SelfHealLLM
import SelfHealOptimizer
import SelfHealServer
import SelfHealSimulated

/// `selfheal bench heal`: installs a deliberately bad prompt, then per cycle sends requests
/// through a manager, worker and evaluator that talk HTTP to each other, and runs an
/// optimizer pass (which replays through the same HTTP roles). It reports how the score and
/// pass rate moved, and writes the report as markdown and JSON.
struct HealBenchmark {
    let cycles: Int
    let requests: Int
    let canaryShare: Double
    let rulesDirectory: String
    let pluginsDirectory: String
    let reportDirectory: String

    static let inputs = [
        "Write a fibonacci function",
        "Write a function called is_prime that checks whether a number is prime",
        "Write a function that reverses a string",
        "Implement binary search over a sorted list",
        "Write a factorial function",
        "Write a function that checks whether a string is a palindrome",
        "Write a function that flattens a nested list",
        "Implement a Stack class",
        "Write a function that counts the vowels in a string",
        "Implement merge sort",
    ]

    func run() async throws -> String {
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("selfheal-heal-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: work) }
        let plugins = try BenchPlugins.copy(from: pluginsDirectory, to: work.appendingPathComponent("plugins"), canaryShare: canaryShare)
        var logger = Logger(label: "selfheal.bench")
        logger.logLevel = .warning

        let database = "sqlite:\(work.path)/heal.db"
        let providers = LLMProviders(SimulatedProvider())
        func config(_ role: Role) -> RoleConfiguration {
            RoleConfiguration(role: role, port: 0, databaseURL: database, rulesDirectory: rulesDirectory, pluginsDirectory: plugins)
        }
        let worker = try await RunningRole.start(config: config(.worker), providers: providers, logger: logger)
        let evaluator = try await RunningRole.start(config: config(.evaluator), providers: providers, logger: logger)
        var managerConfig = config(.manager)
        managerConfig.workerURL = "http://127.0.0.1:\(worker.port)"
        managerConfig.evaluatorURL = "http://127.0.0.1:\(evaluator.port)"
        let manager = try await RunningRole.start(config: managerConfig, providers: providers, logger: logger)
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        defer { Task { try? await client.shutdown() } }
        guard let store = manager.store else { throw UsageError("bench heal: the manager has no store") }

        let bad = try await store.createPrompt(
            NewPrompt(
                taskType: TaskTypes.codeGeneration, text: SeedPrompts.badCodeGenerationPrompt, status: .active,
                author: .operator, reason: "bench heal: a deliberately bad prompt"
            )
        )
        let optimizer = Optimizer(
            store: store,
            generator: HTTPGenerating(client: client, baseURL: "http://127.0.0.1:\(worker.port)", serviceToken: nil),
            evaluator: HTTPEvaluating(client: client, baseURL: "http://127.0.0.1:\(evaluator.port)", serviceToken: nil),
            rewriter: providers.rewrite, plugins: try PluginsEngine(directory: plugins, logger: logger),
            owner: "bench-heal", logger: logger
        )

        var rows: [HealReport.Cycle] = []
        var sent = 0
        do {
            for cycle in 1...cycles {
                let measured = try await send(count: requests, offset: sent, client: client, port: manager.port)
                sent += requests
                let run = await optimizer.run(taskType: TaskTypes.codeGeneration)
                let active = try await store.activePrompt(taskType: TaskTypes.codeGeneration)
                rows.append(.init(
                    cycle: cycle, averageScore: measured.average, passRate: measured.passRate, servedVersions: measured.versions,
                    decision: run.decision, activeVersionAfter: active?.version ?? 0
                ))
            }
            let after = try await send(count: requests, offset: sent, client: client, port: manager.port)
            let report = HealReport(
                cycles: rows, after: .init(averageScore: after.average, passRate: after.passRate, servedVersions: after.versions),
                badPromptVersion: bad.version, requestsPerCycle: requests, canaryShare: canaryShare,
                lineage: try await lineage(store: store)
            )
            try report.write(to: reportDirectory)
            await shutdown([manager, evaluator, worker])
            return report.table() + "\n\nReport written to \(reportDirectory)/heal-report.md and heal-report.json"
        } catch {
            await shutdown([manager, evaluator, worker])
            throw error
        }
    }

    private func shutdown(_ roles: [RunningRole]) async {
        for role in roles { await role.shutdown() }
    }

    struct Measured {
        var average: Double
        var passRate: Double
        var versions: [Int]
    }

    /// Sends `count` requests one after another (the rotation of inputs continues across cycles).
    private func send(count: Int, offset: Int, client: HTTPClient, port: Int) async throws -> Measured {
        var scores: [Double] = []
        var passed = 0
        var versions = Set<Int>()
        for index in 0..<count {
            var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)/api/v1/request")
            request.method = .POST
            request.headers.add(name: "Content-Type", value: "application/json")
            let input = Self.inputs[(offset + index) % Self.inputs.count]
            request.body = .bytes(ByteBuffer(data: try JSONEncoder().encode(["user_input": input])))
            let response = try await client.execute(request, timeout: .seconds(120))
            let body = try await response.body.collect(upTo: 8 << 20)
            guard response.status == .ok else {
                throw UsageError("bench heal: request failed with \(response.status.code): \(String(buffer: body))")
            }
            let answer = try JSONDecoder().decode(Answer.self, from: Data(body.readableBytesView))
            scores.append(answer.evaluation.final_score)
            if answer.evaluation.passed { passed += 1 }
            versions.insert(answer.prompt.version)
        }
        return Measured(
            average: scores.reduce(0, +) / Double(max(1, scores.count)), passRate: Double(passed) / Double(max(1, count)),
            versions: versions.sorted()
        )
    }

    private struct Answer: Decodable {
        struct Evaluation: Decodable {
            var final_score: Double
            var passed: Bool
        }
        struct Prompt: Decodable { var version: Int }
        var evaluation: Evaluation
        var prompt: Prompt
    }

    /// The active version's ancestry back to the bad prompt, with who wrote each and why.
    private func lineage(store: any Store) async throws -> [HealReport.Version] {
        var chain: [HealReport.Version] = []
        var next = try await store.activePrompt(taskType: TaskTypes.codeGeneration)
        while let prompt = next, chain.count < 20 {
            chain.append(.init(version: prompt.version, author: prompt.author.rawValue, status: prompt.status.rawValue,
                               reason: prompt.reason ?? "", evidence: prompt.evidence.count, text: prompt.text))
            next = try await prompt.parentId.asyncFlatMap { try await store.prompt(id: $0) }
        }
        return chain
    }
}

extension Optional {
    fileprivate func asyncFlatMap<U>(_ transform: (Wrapped) async throws -> U?) async rethrows -> U? {
        guard let value = self else { return nil }
        return try await transform(value)
    }
}
