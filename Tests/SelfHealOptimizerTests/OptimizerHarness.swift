import Foundation
import Logging
import SelfHealCore
import SelfHealLLM
import SelfHealOptimizer
import SelfHealRoles
import SelfHealRules
import SelfHealSimulated
import SelfHealStore

/// A real SQLite store in a temporary directory, a private copy of the repo's `plugins/`, the
/// repo's `rules/`, and the in-process worker and evaluator on the simulated provider: the
/// optimizer sees exactly what it sees in production, minus HTTP.
struct OptimizerHarness {
    /// The repository, with symlinks resolved: a copy of `plugins/` must be a copy of the
    /// files, never of a link back to them, or a test's edits would land in the repository.
    static let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .resolvingSymlinksInPath()
    static var shippedPlugins: String { repo.appendingPathComponent("plugins").resolvingSymlinksInPath().path }
    static let taskType = TaskTypes.codeGeneration
    static let logger = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }

    let directory: String
    let store: SQLiteStore
    let plugins: PluginsEngine
    let evaluator: Evaluator
    let provider = SimulatedProvider()

    var pluginsDirectory: String { directory + "/plugins" }

    /// `edits` change the copied plugin files before loading: file name → (old text, new text).
    static func make(edits: [String: [(String, String)]] = [:]) async throws -> OptimizerHarness {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("selfheal-optimizer-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: shippedPlugins, toPath: directory + "/plugins")
        for (file, replacements) in edits {
            for (old, new) in replacements { try editFile(directory + "/plugins/" + file, replacing: old, with: new) }
        }
        let store = try await SQLiteStore.open(path: directory + "/selfheal.db", logger: logger)
        try await store.migrate()
        let rules = try RulesEngine(directory: repo.appendingPathComponent("rules").path, logger: logger)
        let evaluator = Evaluator(rules: rules, judge: Judge(provider: SimulatedProvider(), logger: logger), logger: logger)
        let plugins = try PluginsEngine(directory: directory + "/plugins", logger: logger)
        return OptimizerHarness(directory: directory, store: store, plugins: plugins, evaluator: evaluator)
    }

    func close() async {
        try? await store.close()
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// The worker as the server builds it: the canary share comes from the live plugins.
    var worker: Worker {
        let plugins = self.plugins
        return Worker(store: store, provider: provider, canaryShare: { plugins.canaryShare(taskType: $0) }, logger: Self.logger)
    }

    func optimizer(owner: String = "optimizer-test", rewriter: (any LLMProvider)? = nil) -> Optimizer {
        Optimizer(
            store: store, generator: worker, evaluator: evaluator, rewriter: rewriter ?? provider,
            plugins: plugins, owner: owner, logger: Self.logger
        )
    }

    @discardableResult
    func install(_ text: String, status: PromptStatus = .active, author: PromptAuthor = .operator) async throws -> PromptVersion {
        try await store.createPrompt(NewPrompt(taskType: Self.taskType, text: text, status: status, author: author, reason: "installed by the test"))
    }

    /// Serves `count` requests as the manager does (worker, evaluator, one execution log each),
    /// cycling through the sample inputs; returns the logs written, with their ids.
    @discardableResult
    func serve(_ count: Int, tag: String = UUID().uuidString) async throws -> [ExecutionLog] {
        var logs: [ExecutionLog] = []
        for index in 0..<count {
            let input = Self.inputs[index % Self.inputs.count]
            let requestId = "\(tag)-\(index)"
            let generated = try await worker.generate(GenerateRequest(taskType: Self.taskType, userInput: input, language: "python", requestId: requestId))
            let evaluation = try await evaluator.evaluate(EvaluateRequest(taskType: Self.taskType, userInput: input, output: generated.output, language: "python"))
            var log = ExecutionLog(
                requestId: requestId, taskType: Self.taskType, userInput: input, language: "python", status: .ok,
                output: generated.output, code: CodeExtraction.code(from: generated.output, language: "python"),
                promptId: generated.prompt.id, promptVersion: generated.prompt.version, ruleScore: evaluation.ruleScore,
                judgeScore: evaluation.judgeScore, finalScore: evaluation.finalScore, passed: evaluation.passed,
                evaluationJSON: String(decoding: try JSONEncoder().encode(evaluation), as: UTF8.self),
                rulesVersion: evaluation.rulesVersion, latencyTotalMs: 1, llmProvider: generated.llm.provider, llmModel: generated.llm.model
            )
            log.id = try await store.appendLog(log)
            logs.append(log)
        }
        return logs
    }

    func editPlugin(_ file: String, replacing old: String, with new: String) throws {
        try Self.editFile(pluginsDirectory + "/" + file, replacing: old, with: new)
    }

    static func editFile(_ path: String, replacing old: String, with new: String) throws {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        precondition(text.contains(old), "\(path) does not contain \(old)")
        try text.replacingOccurrences(of: old, with: new).write(toFile: path, atomically: true, encoding: .utf8)
    }

    /// Inputs like the shipped samples: each names the function it wants.
    static let inputs: [String] = [
        "Write a Python function called `fibonacci` that returns the n-th Fibonacci number.",
        "Write a Python function called `factorial` that computes n! for a non-negative integer n.",
        "Write a Python function called `is_prime` that tells whether an integer is a prime number.",
        "Write a Python function called `is_palindrome` that checks whether a string is a palindrome.",
        "Write a Python function called `reverse_string` that reverses a string.",
        "Write a Python function called `binary_search` that returns the index of a target in a sorted list, or -1.",
        "Write a Python function called `gcd` that returns the greatest common divisor of two integers.",
        "Write a Python function called `flatten` that flattens an arbitrarily nested list.",
    ]
}

/// A rewrite model that always answers with the same prompt: a legitimate stand-in for an LLM
/// that writes a worse prompt than the one it was asked to improve.
struct FixedRewriter: LLMProvider {
    let text: String
    var name: String { "fixed" }
    var model: String { "fixed-rewrite" }
    func complete(_ request: LLMRequest) async throws -> LLMCompletion {
        LLMCompletion(text: text, tokens: TokenCounts(input: 0, output: 0))
    }
}

extension OptimizerRun {
    /// The run's details JSON as a dictionary, for assertions on what was recorded.
    var detailsObject: [String: Any] {
        guard let details, let object = try? JSONSerialization.jsonObject(with: Data(details.utf8)) as? [String: Any] else { return [:] }
        return object
    }
}

extension OptimizerHarness {
    /// Runs `body` with a fresh harness and always cleans it up.
    static func with<T>(edits: [String: [(String, String)]] = [:], _ body: (OptimizerHarness) async throws -> T) async throws -> T {
        let harness = try await make(edits: edits)
        do {
            let result = try await body(harness)
            await harness.close()
            return result
        } catch {
            await harness.close()
            throw error
        }
    }
}
