import Foundation
import Logging
import SelfHealCore
import SelfHealStore

/// The repository root, found from this file's path, so tests use the shipped `rules/`.
let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
let shippedRules = repositoryRoot.appendingPathComponent("rules").path

let quietLogger = Logger(label: "selfheal.test", factory: { _ in SwiftLogNoOpLogHandler() })

/// A real SQLite store in a fresh folder, closed and removed when `body` returns or throws.
func withStore<T>(_ body: (SQLiteStore) async throws -> T) async throws -> T {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("selfheal-roles-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let store = try await SQLiteStore.open(path: directory.appendingPathComponent("selfheal.db").path, logger: quietLogger)
    do {
        try await store.migrate()
        let result = try await body(store)
        try await store.close()
        return result
    } catch {
        try? await store.close()
        throw error
    }
}

/// A worker that answers one fixed output, or fails with `error`.
struct FixedGenerator: Generating {
    var output = "Here it is:\n```python\ndef add(a, b):\n    return a + b\n```\nDone."
    var error: (any Error)?

    func generate(_ request: GenerateRequest) async throws -> GenerateResponse {
        if let error { throw error }
        return GenerateResponse(
            output: output, prompt: PromptRef(id: 7, version: 3, status: .active),
            llm: LLMInfo(provider: "test", model: "fixed"), tokens: TokenCounts(input: 11, output: 22)
        )
    }
}

/// An evaluator that passes everything and keeps the requests it was given, or fails with `error`.
final class RecordingEvaluator: Evaluating, @unchecked Sendable {
    private let lock = NSLock()
    private var received: [EvaluateRequest] = []
    let error: (any Error)?

    init(error: (any Error)? = nil) { self.error = error }

    var requests: [EvaluateRequest] { lock.withLock { received } }

    func evaluate(_ request: EvaluateRequest) async throws -> Evaluation {
        lock.withLock { received.append(request) }
        if let error { throw error }
        return Evaluation(
            ruleScore: 0.9, judgeScore: 0.8, finalScore: 0.84, passed: true, threshold: 0.7, weights: ScoreWeights(rules: 0.4, judge: 0.6),
            rules: [RuleResult(name: "has_code", weight: 1, score: 1, reason: "code present")],
            judge: JudgeVerdict(score: 0.8, feedback: "fine", available: true), exec: nil, rulesVersion: "sha256:test",
            failedRequired: [], verdictReason: "rules and judge combined"
        )
    }
}
