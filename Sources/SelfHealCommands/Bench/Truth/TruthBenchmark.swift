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

/// `selfheal bench truth`: every candidate of the corpus through `POST /api/v1/evaluate`, of a
/// `--role all` started in this process (or a running server at `url`), in three modes: with
/// the task's tests, with only the examples its text states (over the tasks whose text shows
/// one), and with neither.
struct TruthBenchmark {
    enum Mode: String, CaseIterable, Codable {
        case tests, examples, neither
    }

    let corpus: TruthCorpus
    let limit: Int?
    let url: String?
    let token: String?
    let rulesDirectory: String
    let concurrency: Int

    func run() async throws -> TruthReport {
        let candidates = corpus.candidates(limit: limit)
        guard !candidates.isEmpty else { throw UsageError("--corpus: no candidates") }
        var logger = Logger(label: "selfheal.bench")
        logger.logLevel = .error
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("selfheal-truth-\(UUID().uuidString)")
        var role: RunningRole?
        let base: String
        if let url {
            base = url.hasSuffix("/") ? String(url.dropLast()) : url
        } else {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            let config = RoleConfiguration(role: .all, port: 0, databaseURL: "sqlite:\(directory.path)/truth.db", rulesDirectory: rulesDirectory)
            let started = try await RunningRole.start(config: config, providers: LLMProviders(SimulatedProvider()), logger: logger)
            role = started
            base = "http://127.0.0.1:\(started.port)"
        }
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        defer { try? FileManager.default.removeItem(at: directory) }
        do {
            var modes: [TruthReport.ModeResult] = []
            for mode in Mode.allCases {
                // Examples only where the text shows one: elsewhere that mode would repeat `neither`.
                let chosen = mode == .examples ? candidates.filter { $0.task.showsExample } : candidates
                guard !chosen.isEmpty else { continue }
                modes.append(try await measure(mode, candidates: chosen, client: client, endpoint: base + "/api/v1/evaluate"))
            }
            try? await client.shutdown()
            await role?.shutdown()
            return TruthReport(corpus: candidates.count, tasks: Set(candidates.map(\.task.id)).count, server: url ?? "in process (--role all, simulated judge)", modes: modes)
        } catch {
            try? await client.shutdown()
            await role?.shutdown()
            throw error
        }
    }

    private struct Outcome {
        var candidate: TruthCorpus.Candidate
        var passed: Bool?
        var milliseconds: Double
    }

    private func measure(_ mode: Mode, candidates: [TruthCorpus.Candidate], client: HTTPClient, endpoint: String) async throws -> TruthReport.ModeResult {
        let started = ContinuousClock.now
        var outcomes: [Outcome] = []
        try await withThrowingTaskGroup(of: Outcome.self) { group in
            var next = 0
            func submit() {
                let candidate = candidates[next]
                next += 1
                group.addTask { try await evaluate(candidate, mode: mode, client: client, endpoint: endpoint) }
            }
            while next < min(concurrency, candidates.count) { submit() }
            while let outcome = try await group.next() {
                outcomes.append(outcome)
                if outcomes.count % 100 == 0 || outcomes.count == candidates.count {
                    FileHandle.standardError.write(Data("truth: mode \(mode.rawValue): \(outcomes.count)/\(candidates.count)\n".utf8))
                }
                if next < candidates.count { submit() }
            }
        }
        let seconds = (ContinuousClock.now - started).seconds
        return TruthReport.ModeResult(mode: mode.rawValue, outcomes: outcomes.map { ($0.candidate, $0.passed, $0.milliseconds) }, seconds: seconds)
    }

    private func evaluate(_ candidate: TruthCorpus.Candidate, mode: Mode, client: HTTPClient, endpoint: String) async throws -> Outcome {
        var body: [String: String] = [
            "task_type": "code_generation",
            "user_input": mode == .neither ? candidate.task.taskWithoutExamples : candidate.task.task,
            "output": "```python\n" + candidate.code + "\n```",
            "language": "python",
        ]
        if mode == .tests { body["tests"] = candidate.task.tests }
        var request = HTTPClientRequest(url: endpoint)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        request.body = .bytes(ByteBuffer(data: try JSONEncoder().encode(body)))
        let started = ContinuousClock.now
        // A loop mutant waits out the sandbox's timeout; 503 sandbox_busy is retried after a pause.
        for _ in 0..<20 {
            let response = try await client.execute(request, timeout: .seconds(120))
            let bytes = try await response.body.collect(upTo: 4 << 20)
            if response.status.code == 503 {
                try await Task.sleep(for: .milliseconds(200))
                continue
            }
            let milliseconds = (ContinuousClock.now - started).inMilliseconds
            guard response.status.code == 200,
                  let object = try? JSONSerialization.jsonObject(with: Data(bytes.readableBytesView)) as? [String: Any] else {
                return Outcome(candidate: candidate, passed: nil, milliseconds: milliseconds)
            }
            return Outcome(candidate: candidate, passed: object["passed"] as? Bool, milliseconds: milliseconds)
        }
        return Outcome(candidate: candidate, passed: nil, milliseconds: 0)
    }
}
