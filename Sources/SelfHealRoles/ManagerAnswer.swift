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

extension ManagerAnswer: JSONWritable {
    /// As `JSONEncoder` writes it (sorted keys), by hand: it is encoded for every request.
    public func write(to writer: inout JSONWriter) {
        write(to: &writer) { evaluation.write(to: &$0) }
    }

    /// With the evaluation's bytes as already encoded (for the request's log row).
    func write(to writer: inout JSONWriter, evaluationJSON: some Sequence<UInt8>) {
        write(to: &writer) { $0.raw(evaluationJSON) }
    }

    private func write(to writer: inout JSONWriter, evaluation writeEvaluation: (inout JSONWriter) -> Void) {
        writer.beginObject()
        writer.key("code"); writer.string(code)
        writer.key("evaluation"); writeEvaluation(&writer)
        writer.key("language"); writer.string(language)
        writer.key("latency_ms")
        writer.beginObject()
        writer.key("evaluator"); writer.number(latencyMs.evaluator)
        writer.key("total"); writer.number(latencyMs.total)
        writer.key("worker"); writer.number(latencyMs.worker)
        writer.endObject()
        writer.key("llm")
        writer.beginObject()
        writer.key("model"); writer.string(llm.model)
        writer.key("provider"); writer.string(llm.provider)
        writer.endObject()
        writer.key("output"); writer.string(output)
        writer.key("prompt")
        writer.beginObject()
        writer.key("id"); writer.number(Int(prompt.id))
        writer.key("status"); writer.string(prompt.status.rawValue)
        writer.key("version"); writer.number(prompt.version)
        writer.endObject()
        writer.key("request_id"); writer.string(requestId)
        writer.key("task_type"); writer.string(taskType)
        writer.key("tokens")
        writer.beginObject()
        writer.key("input"); writer.number(tokens.input)
        writer.key("output"); writer.number(tokens.output)
        writer.endObject()
        writer.endObject()
    }
}
