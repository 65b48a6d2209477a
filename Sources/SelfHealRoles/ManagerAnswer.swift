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

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(requestId, forKey: .requestId)
        try container.encode(taskType, forKey: .taskType)
        try container.encode(language, forKey: .language)
        try container.encode(output, forKey: .output)
        try container.encode(code, forKey: .code)
        if encoder.userInfo[WireJSON.evaluationEncodedApart] as? Bool != true {
            try container.encode(evaluation, forKey: .evaluation)
        }
        try container.encode(prompt, forKey: .prompt)
        try container.encode(latencyMs, forKey: .latencyMs)
        try container.encode(llm, forKey: .llm)
        try container.encode(tokens, forKey: .tokens)
    }
}
