/// What the worker is asked to do.
public struct GenerateRequest: Codable, Sendable, Equatable {
    public var taskType: String
    public var userInput: String
    public var language: String?
    /// The manager's request id; it picks canary traffic deterministically.
    public var requestId: String?
    /// Generate with this exact prompt version instead of the live one (the optimizer's replay).
    public var promptId: Int64?

    public init(taskType: String, userInput: String, language: String? = nil, requestId: String? = nil, promptId: Int64? = nil) {
        self.taskType = taskType
        self.userInput = userInput
        self.language = language
        self.requestId = requestId
        self.promptId = promptId
    }

    enum CodingKeys: String, CodingKey {
        case language
        case taskType = "task_type"
        case userInput = "user_input"
        case requestId = "request_id"
        case promptId = "prompt_id"
    }
}

/// Which model answered.
public struct LLMInfo: Codable, Sendable, Equatable {
    public var provider: String
    public var model: String

    public init(provider: String, model: String) {
        self.provider = provider
        self.model = model
    }
}

public struct TokenCounts: Codable, Sendable, Equatable {
    public var input: Int
    public var output: Int

    public init(input: Int, output: Int) {
        self.input = input
        self.output = output
    }
}

/// The worker's answer.
public struct GenerateResponse: Codable, Sendable, Equatable {
    public var output: String
    public var prompt: PromptRef
    public var llm: LLMInfo
    public var tokens: TokenCounts

    public init(output: String, prompt: PromptRef, llm: LLMInfo, tokens: TokenCounts) {
        self.output = output
        self.prompt = prompt
        self.llm = llm
        self.tokens = tokens
    }
}

/// Generates an answer with the live prompt. Implemented in-process (the worker itself)
/// and over HTTP (a client of a remote worker), so the manager does not care which.
public protocol Generating: Sendable {
    func generate(_ request: GenerateRequest) async throws -> GenerateResponse
}
