public import Logging
public import SelfHealCore

/// The LLM judge: asks a provider to grade an output and turns the answer into a `JudgeVerdict`.
/// It never invents a score: a provider failure or an unreadable answer is `.unavailable`, and the
/// scoring policy (`on_judge_unavailable`) decides what that means.
public struct Judge: Judging {
    public let provider: any LLMProvider
    private let logger: Logger

    public init(provider: any LLMProvider, logger: Logger = Logger(label: "selfheal.judge")) {
        self.provider = provider
        self.logger = logger
    }

    public func judge(taskType: String, userInput: String, output: String) async -> JudgeVerdict {
        let request = Self.request(taskType: taskType, userInput: userInput, output: output)
        let answer: String
        do {
            answer = try await provider.complete(request).text
        } catch let error as LLMError {
            logger.warning("Judge provider failed", metadata: ["llm.provider": "\(provider.name)", "error": "\(error.message)"])
            return .unavailable("judge unavailable: \(error.message)")
        } catch {
            logger.warning("Judge provider failed", metadata: ["llm.provider": "\(provider.name)", "error": "\(error)"])
            return .unavailable("judge unavailable: \(error)")
        }
        let verdict = JudgeVerdictParser.parse(answer)
        if !verdict.available {
            logger.warning("Judge answer unusable", metadata: ["llm.provider": "\(provider.name)", "judge.reason": "\(verdict.feedback)"])
        }
        return verdict
    }

    /// The request sent to the provider; deterministic, so the same output is always graded the same way.
    public static func request(taskType: String, userInput: String, output: String) -> LLMRequest {
        LLMRequest(
            purpose: .judge, system: JudgePrompt.system,
            user: JudgePrompt.user(taskType: taskType, userInput: userInput, output: output),
            temperature: 0, maxOutputTokens: 400
        )
    }
}
