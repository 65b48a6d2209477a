import Foundation
import SelfHealCore
import SelfHealLLM
import SelfHealSimulated
import Testing

/// The loop in simulated mode: the vague prompt scores badly, the judge's feedback becomes the
/// diagnosis, the rewrite turns it into instructions, and the simulated model follows them.
@Suite struct SelfHealingLoopTests {
    let provider = SimulatedProvider()
    static let requests = ["Write a fibonacci function", "Check whether a string is a palindrome", "Implement a Stack class", "Write a binary search"]

    func judgeScore(prompt: String, request: String) async throws -> JudgeVerdict {
        let output = try await generate(request, prompt: prompt)
        return await Judge(provider: provider).judge(taskType: TaskTypes.codeGeneration, userInput: request, output: output)
    }

    @Test func seedsCoverEveryTaskTypeAsActiveSeedVersions() {
        let seeds = SeedPrompts.seeds(for: TaskTypes.defaults.known)
        #expect(seeds.map(\.taskType) == TaskTypes.defaults.known)
        #expect(seeds.allSatisfy { $0.status == .active && $0.author == .seed && !$0.text.isEmpty })
        #expect(Set(seeds.map(\.text)).count == 3)
    }

    @Test func badPromptScoresBadlySeedDecentlyThoroughWell() async throws {
        for request in Self.requests {
            let bad = try #require(try await judgeScore(prompt: SeedPrompts.badCodeGenerationPrompt, request: request).score)
            let seed = try #require(try await judgeScore(prompt: SeedPrompts.codeGeneration, request: request).score)
            let thorough = try #require(try await judgeScore(prompt: Prompts.thorough, request: request).score)
            #expect(bad < 0.5, "\(request)")
            #expect(bad < seed && seed < thorough, "\(request)")
            #expect(thorough >= 0.85, "\(request)")
        }
    }

    @Test func rewritingFromJudgeFeedbackLiftsTheBadPrompt() async throws {
        var diagnosis: [String] = []
        for request in Self.requests + ["Design a distributed rate limiter"] {
            diagnosis += try await judgeScore(prompt: SeedPrompts.badCodeGenerationPrompt, request: request).feedback.components(separatedBy: "; ")
        }
        let rewrite = PromptRewrite.request(currentPrompt: SeedPrompts.badCodeGenerationPrompt, taskType: TaskTypes.codeGeneration, diagnosis: diagnosis)
        let improved = PromptRewrite.extractPrompt(from: try await provider.complete(rewrite).text)
        #expect(improved != SeedPrompts.badCodeGenerationPrompt)
        for request in Self.requests {
            let before = try #require(try await judgeScore(prompt: SeedPrompts.badCodeGenerationPrompt, request: request).score)
            let after = try #require(try await judgeScore(prompt: improved, request: request).score)
            #expect(after >= 0.85, "\(request): \(before) → \(after)")
        }
        let code = try await pythonCode("Design a distributed rate limiter", prompt: improved)
        #expect(!code.contains("TODO"))
    }
}
