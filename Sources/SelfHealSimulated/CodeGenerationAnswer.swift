import Foundation

/// The simulated answer to a code_generation request: one sentence and one fenced Python block,
/// written the way the prompt asks.
enum CodeGenerationAnswer {
    static func answer(systemPrompt: String, userRequest: String) -> String {
        let request = CodeRequest(userRequest)
        let instructions = PromptInstructions(systemPrompt: systemPrompt, userRequest: userRequest)
        let module = request.topic.module(named: request.requestedName, request: request)
        let code = PythonRenderer(instructions: instructions).render(module)
        var sentence = module.summary
        if let language = requestedLanguage(in: systemPrompt), language != "python", language != "py" {
            sentence = "The simulated provider only writes Python, not \(language). " + sentence
        }
        return sentence + "\n\n```python\n" + code + "```\n"
    }

    /// The worker may append "Language: X" to the prompt.
    static func requestedLanguage(in systemPrompt: String) -> String? {
        for line in systemPrompt.split(whereSeparator: \.isNewline).reversed() {
            let trimmed = TextMatching.trimmed(line)
            guard trimmed.lowercased().hasPrefix("language:") else { continue }
            let value = TextMatching.trimmed(trimmed.dropFirst("language:".count)).lowercased()
            return value.isEmpty ? nil : value
        }
        return nil
    }
}
