public import Logging
import Metrics
public import SelfHealCore

/// The worker role: generates with the prompt version that is live *now*, asked of the
/// store on every request, so a version activated in the database serves the very next
/// request without a restart. (The SQLite store answers from memory until a prompt changes.)
/// While a canary runs, its share of requests — chosen by request id, so a retried request
/// lands on the same version — goes to the canary.
public struct Worker: Generating {
    let store: any Store
    let provider: any LLMProvider
    /// The canary's share of traffic for a task type, in [0, 1] (from `plugins/`).
    let canaryShare: @Sendable (String) -> Double
    let logger: Logger
    /// The level of the one line each generation logs: info when the worker answers its own
    /// route, debug under an in-process manager, whose `Request served` line carries the same
    /// fields (one line per request at the default level, not one per role).
    public var stageLogLevel: Logger.Level = .info
    private let activeVersions = HandleCache<String, Gauge>()

    public init(
        store: any Store, provider: any LLMProvider, canaryShare: @escaping @Sendable (String) -> Double = { _ in 0 },
        logger: Logger
    ) {
        self.store = store
        self.provider = provider
        self.canaryShare = canaryShare
        self.logger = logger
    }

    public func generate(_ request: GenerateRequest) async throws -> GenerateResponse {
        var logger = logger
        if let requestId = request.requestId { logger[metadataKey: "request.id"] = "\(requestId)" }
        let prompt = try await choosePrompt(for: request)
        if prompt.status == .active {
            activeVersions.handle(request.taskType) {
                Gauge(label: "selfheal_prompt_active_version", dimensions: [("task_type", request.taskType)])
            }.record(prompt.version)
        }
        let completion = try await provider.complete(
            LLMRequest(purpose: .generation, system: Self.systemPrompt(prompt.text, language: request.language), user: request.userInput)
        )
        logger.log(level: stageLogLevel, "Generated", metadata: [
            "task_type": "\(request.taskType)", "prompt.version": "\(prompt.version)", "tokens.output": "\(completion.tokens.output)",
        ])
        return GenerateResponse(output: completion.text, prompt: prompt.ref, llm: provider.info, tokens: completion.tokens)
    }

    func choosePrompt(for request: GenerateRequest) async throws -> PromptVersion {
        if let id = request.promptId {
            guard let pinned = try await store.prompt(id: id), pinned.taskType == request.taskType else {
                throw RoleError.invalidField(field: "prompt_id", message: "no prompt version \(id) for task type '\(request.taskType)'")
            }
            return pinned
        }
        guard let active = try await store.activePrompt(taskType: request.taskType) else {
            throw RoleError.noActivePrompt(taskType: request.taskType)
        }
        let share = min(1, max(0, canaryShare(request.taskType)))
        guard share > 0, let requestId = request.requestId, CanarySplit.routesToCanary(requestId: requestId, share: share),
              let canary = try await store.canaryPrompt(taskType: request.taskType)
        else { return active }
        return canary
    }

    /// The prompt version's text, plus the language the request asked for.
    static func systemPrompt(_ text: String, language: String?) -> String {
        guard let language else { return text }
        return text + "\n\nLanguage: " + language
    }
}

/// Deterministic traffic split: the same request id always lands on the same side.
public enum CanarySplit {
    public static func routesToCanary(requestId: String, share: Double) -> Bool {
        // FNV-1a: stable across processes and runs, unlike Swift's seeded `hashValue`.
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in requestId.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x100_0000_01b3
        }
        return Double(hash % 10_000) < share * 10_000
    }
}
