import Foundation
import SelfHealCore

/// One recent input to replay, and how it went in production.
struct ReplayInput: Sendable {
    var userInput: String
    var language: String?
    var failedInProduction: Bool

    init(log: ExecutionLog, failedInProduction: Bool) {
        self.userInput = log.userInput
        self.language = log.language
        self.failedInProduction = failedInProduction
    }
}

/// Runs inputs through the real worker (pinned to one prompt version) and evaluator. The logs
/// keep no tests, so replays are scored by rules and judge (and the compile-only check).
struct Replay: Sendable {
    let generator: any Generating
    let evaluator: any Evaluating
    let taskType: String

    func score(prompt: PromptVersion, inputs: [ReplayInput]) async -> ReplayScore {
        var passed = 0, errors = 0, failingPassed = 0, passingPassed = 0
        var firstError: String?
        var total = 0.0
        for (index, input) in inputs.enumerated() {
            do {
                let generated = try await generator.generate(GenerateRequest(
                    taskType: taskType, userInput: input.userInput, language: input.language,
                    requestId: "replay-\(prompt.id)-\(index)", promptId: prompt.id
                ))
                let evaluation = try await evaluator.evaluate(EvaluateRequest(
                    taskType: taskType, userInput: input.userInput, output: generated.output, language: input.language
                ))
                total += evaluation.finalScore
                if evaluation.passed {
                    passed += 1
                    if input.failedInProduction { failingPassed += 1 } else { passingPassed += 1 }
                }
            } catch {
                // An error is a lost sample, scored 0: a prompt that breaks generation must not win.
                // The first one is kept: when every sample fails, it says why (e.g. the worker is down).
                errors += 1
                if firstError == nil { firstError = "\(error)" }
            }
        }
        return ReplayScore(
            promptId: prompt.id, samples: inputs.count, passed: passed, avgScore: inputs.isEmpty ? 0 : total / Double(inputs.count),
            errors: errors, failingInputsPassed: failingPassed, passingInputsPassed: passingPassed, firstError: firstError
        )
    }
}
