import Foundation
import SelfHealCore

/// Deterministic, realistic execution logs for the benchmark: three task types, a few prompt
/// versions each, 95 % ok (of which ~70 % pass), 3 % worker and 2 % evaluator errors, latencies
/// from 150 ms to a few seconds, texts of a few hundred bytes, timestamps over the last 30 days.
struct BenchmarkData {
    let prompts: [PromptVersion]
    let now: Date
    private var state: UInt64 = 0x5E1F_4EA1
    private var sequence = 0

    init(prompts: [PromptVersion], now: Date) {
        self.prompts = prompts
        self.now = now
    }

    /// Seeds every task type and adds a few versions, leaving one active and one canary each.
    static func writePrompts(_ store: any Store) async throws -> [PromptVersion] {
        var prompts: [PromptVersion] = []
        for taskType in TaskTypes.defaults.known {
            for number in 1...3 {
                prompts.append(try await store.createPrompt(NewPrompt(
                    taskType: taskType, text: "Benchmark prompt \(number) for \(taskType).", status: .active, author: .seed
                )))
            }
            prompts.append(try await store.createPrompt(NewPrompt(
                taskType: taskType, text: "Benchmark canary for \(taskType).", status: .canary, author: .optimizer
            )))
        }
        return prompts
    }

    /// SplitMix64: fast, and the same data on every run.
    private mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    private mutating func unit() -> Double {
        Double(next() >> 11) / Double(1 << 53)
    }

    mutating func nextLog(at date: Date? = nil) -> ExecutionLog {
        sequence += 1
        let prompt = prompts[Int(next() % UInt64(prompts.count))]
        let createdAt = date ?? now.addingTimeInterval(-unit() * 30 * 86_400)
        let roll = unit()
        let status: ExecutionStatus = roll < 0.95 ? .ok : (roll < 0.98 ? .workerError : .evaluatorError)
        let rule = status == .ok ? (unit() * 100).rounded() / 100 : nil
        let judge = status == .ok ? (unit() * 100).rounded() / 100 : nil
        let final = rule.flatMap { rule in judge.map { 0.4 * rule + 0.6 * $0 } }
        let passed = (final ?? 0) >= 0.45  // about 70 % of the evaluated requests
        let worker = 120 + unit() * 1_500 * unit()
        let evaluator = status == .workerError ? nil : 20 + unit() * 400
        let input = "Write a Python function number \(sequence) that parses a CSV line into fields, handling quotes."
        let code = "def parse_line_\(sequence)(line: str) -> list[str]:\n    \"\"\"Split a CSV line.\"\"\"\n    return next(csv.reader([line]))\n"
        return ExecutionLog(
            requestId: "bench-\(sequence)-\(next() % 1_000_000)", idempotencyKey: nil, taskType: prompt.taskType,
            userInput: input, language: "python", status: status,
            error: status == .ok ? nil : "\(status.rawValue): upstream timed out after 30 s",
            output: status == .workerError ? nil : "Here is the function:\n```python\n\(code)```\nIt uses the csv module.",
            code: status == .workerError ? nil : code, promptId: prompt.id, promptVersion: prompt.version,
            ruleScore: rule, judgeScore: judge, finalScore: final, passed: status == .ok && passed,
            evaluationJSON: final.map {
                #"{"rules":[{"name":"has_docstring","score":1,"reason":"docstring present"},{"name":"has_type_hints","score":\#($0 > 0.5 ? 1 : 0)}],"judge":{"feedback":"handles quotes; no tests"}}"#
            },
            responseJSON: nil, rulesVersion: "sha256:bench", latencyTotalMs: worker + (evaluator ?? 0),
            latencyWorkerMs: worker, latencyEvaluatorMs: evaluator, llmProvider: "simulated", llmModel: "sim-1",
            tokensInput: 80 + Int(next() % 200), tokensOutput: 150 + Int(next() % 400), createdAt: createdAt
        )
    }
}
