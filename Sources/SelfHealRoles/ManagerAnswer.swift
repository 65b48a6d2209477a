public import SelfHealCore

/// The manager's answer to `POST /api/v1/request` (README.md, "API").
public struct ManagerAnswer: Codable, Sendable, Equatable {
    public struct Latency: Codable, Sendable, Equatable {
        public var total: Double
        public var worker: Double
        public var evaluator: Double
    }

    public var requestId: String
    public var taskType: String
    public var language: String
    public var output: String
    public var code: String
    public var evaluation: Evaluation
    public var prompt: PromptRef
    public var latencyMs: Latency
    public var llm: LLMInfo
    public var tokens: TokenCounts

    enum CodingKeys: String, CodingKey {
        case output, code, evaluation, prompt, llm, tokens, language
        case requestId = "request_id"
        case taskType = "task_type"
        case latencyMs = "latency_ms"
    }
}
