// The evaluation as `JSONEncoder` writes it (sorted keys; a nil `exec`, `rule_score` or
// `judge_score` as null, a nil judge score, confidence or exit code left out), by hand: it is
// encoded for every request. `WireJSONTests` holds each writer to the encoder's bytes.

extension RuleResult: JSONWritable {
    public func write(to writer: inout JSONWriter) {
        writer.beginObject()
        writer.key("name"); writer.string(name)
        writer.key("reason"); writer.string(reason)
        writer.key("required"); writer.bool(required)
        writer.key("score"); writer.number(score)
        writer.key("weight"); writer.number(weight)
        writer.endObject()
    }
}

extension JudgeVerdict: JSONWritable {
    public func write(to writer: inout JSONWriter) {
        writer.beginObject()
        writer.key("available"); writer.bool(available)
        if let confidence { writer.key("confidence"); writer.number(confidence) }
        writer.key("feedback"); writer.string(feedback)
        if let score { writer.key("score"); writer.number(score) }
        writer.endObject()
    }
}

extension ExecResult: JSONWritable {
    public func write(to writer: inout JSONWriter) {
        writer.beginObject()
        writer.key("duration_ms"); writer.number(durationMs)
        if let exitCode { writer.key("exit_code"); writer.number(exitCode) }
        writer.key("kind"); writer.string(kind.rawValue)
        writer.key("passed"); writer.bool(passed)
        writer.key("ran"); writer.bool(ran)
        writer.key("stderr_tail"); writer.string(stderrTail)
        writer.key("timed_out"); writer.bool(timedOut)
        writer.endObject()
    }
}

extension ScoreWeights: JSONWritable {
    public func write(to writer: inout JSONWriter) {
        writer.beginObject()
        writer.key("judge"); writer.number(judge)
        writer.key("rules"); writer.number(rules)
        writer.endObject()
    }
}

extension Evaluation: JSONWritable {
    public func write(to writer: inout JSONWriter) {
        writer.beginObject()
        writer.key("exec")
        if let exec { exec.write(to: &writer) } else { writer.null() }
        writer.key("failed_required")
        writer.beginArray()
        for name in failedRequired { writer.string(name) }
        writer.endArray()
        writer.key("final_score"); writer.number(finalScore)
        writer.key("judge"); judge.write(to: &writer)
        writer.key("judge_score")
        if let judgeScore { writer.number(judgeScore) } else { writer.null() }
        writer.key("passed"); writer.bool(passed)
        writer.key("rule_score")
        if let ruleScore { writer.number(ruleScore) } else { writer.null() }
        writer.key("rules")
        writer.beginArray()
        for rule in rules { rule.write(to: &writer) }
        writer.endArray()
        writer.key("rules_version"); writer.string(rulesVersion)
        writer.key("threshold"); writer.number(threshold)
        writer.key("verdict_reason"); writer.string(verdictReason)
        writer.key("weights"); weights.write(to: &writer)
        writer.endObject()
    }
}
