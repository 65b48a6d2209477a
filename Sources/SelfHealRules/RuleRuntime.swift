import SelfHealCore
import SelfHealLua

/// One Lua state with every rule of one set loaded. Used by one thread at a time: the pool
/// hands it out and takes it back; it is never changed once built.
final class RuleRuntime: Sendable {
    let set: RuleSet
    let state: LuaState
    /// `checks[i]` is the check function of `set.rules[i]`.
    let checks: [LuaFunction]

    init(set: RuleSet, state: LuaState, checks: [LuaFunction]) {
        self.set = set
        self.state = state
        self.checks = checks
    }

    /// Runs every rule that applies to the context's task type. A rule that fails in any way
    /// scores 0 with a reason saying how; the others carry on.
    func evaluate(_ context: RuleContext) -> [RuleOutcome] {
        // Without a pass deadline no pass is cut short.
        evaluate(context, passDeadline: nil) ?? []
    }

    /// As `evaluate(_:)`, but the whole pass must end by `passDeadline`, which shortens each
    /// rule's own wall clock. nil when the deadline cut a rule short: that rule's outcome is not
    /// the one its own bounds would give, so the pass says nothing and is run again elsewhere.
    /// A state whose pass was cut is left half-way through a rule; the caller drops it.
    func evaluate(_ context: RuleContext, passDeadline: ContinuousClock.Instant?) -> [RuleOutcome]? {
        let ctx = Self.template(for: context, in: state)
        defer { state.release(ctx) }
        var outcomes: [RuleOutcome] = []
        outcomes.reserveCapacity(set.rules.count)
        let clock = ContinuousClock()
        for (index, rule) in set.rules.enumerated() where rule.applies(to: context.taskType) {
            let start = clock.now
            var wallClock: Duration?
            if let passDeadline {
                guard start < passDeadline else { return nil }
                wallClock = passDeadline - start
            }
            let outcome: (score: Double, reason: String, failure: LuaError?)?
            do {
                let values = try state.call(checks[index], withCopyOf: ctx, wallClock: wallClock, chunk: rule.chunkName)
                outcome = Self.interpret(values, rule: rule)
            } catch {
                if error.kind == .timeLimitExceeded, let wallClock, wallClock < state.luaLimits.wallClock { return nil }
                outcome = (0, Self.reason(for: error, rule: rule, limits: state.luaLimits), error)
            }
            let elapsed = clock.now - start
            // A check returning nil says the rule does not apply to this output.
            guard let outcome else { continue }
            outcomes.append(RuleOutcome(
                result: RuleResult(name: rule.name, weight: rule.weight, score: outcome.score, reason: outcome.reason, required: rule.required),
                failure: outcome.failure,
                seconds: elapsed.secondsValue
            ))
        }
        return outcomes
    }

    /// `return score, reason`: a number in [0, 1] or a boolean, and an optional string.
    static func interpret(_ values: [LuaValue], rule: RuleDefinition) -> (score: Double, reason: String, failure: LuaError?)? {
        let reason = values.count > 1 ? reasonText(values[1]) : ""
        switch values.first ?? .nil {
        case .nil:
            return nil
        case .boolean(let passed):
            return (passed ? 1 : 0, reason.isEmpty ? (passed ? "passed" : "failed") : reason, nil)
        case let value where value.doubleValue != nil:
            let score = value.doubleValue!
            guard score >= 0, score <= 1 else {
                let message = "rule '\(rule.name)' returned the score \(ScoringPolicyParser.describe(value)), outside [0, 1]"
                return (0, message, LuaError(kind: .invalidResult, message: message, file: rule.file, line: rule.checkLine))
            }
            return (score, reason.isEmpty ? "no reason given" : reason, nil)
        case let value:
            let message = "rule '\(rule.name)' returned a \(value.typeName) instead of a score in [0, 1]"
            return (0, message, LuaError(kind: .invalidResult, message: message, file: rule.file, line: rule.checkLine))
        }
    }

    static func reasonText(_ value: LuaValue) -> String {
        let text: String
        switch value {
        case .string(let s): text = s
        case .integer, .number, .boolean: text = ScoringPolicyParser.describe(value)
        default: text = ""
        }
        // Counting Characters walks the text: only a reason of over 500 bytes can be over 500 of them.
        return text.utf8.count > 500 && text.count > 500 ? String(text.prefix(500)) + "…" : text
    }

    static func reason(for error: LuaError, rule: RuleDefinition, limits: LuaLimits) -> String {
        switch error.kind {
        case .budgetExceeded:
            "rule '\(rule.name)' exceeded its instruction budget (\(limits.instructionBudget) instructions)"
        case .libraryStepsExceeded:
            "rule '\(rule.name)' exceeded its string-library step budget (\(limits.librarySteps) steps)"
        case .memoryExceeded:
            "rule '\(rule.name)' exceeded its memory cap (\(limits.memoryDescription))"
        case .timeLimitExceeded:
            "rule '\(rule.name)' ran past its wall-clock limit (\(limits.wallClockDescription))"
        default:
            "rule '\(rule.name)' failed: \(error.message)"
        }
    }

    /// The `ctx` every check receives (README.md, "Scoring rules (Lua)"). Texts longer than `BoundedText.limit` are
    /// seen through `BoundedText.view` (head and tail); `ctx.lengths` holds every text's full
    /// length in bytes and `ctx.truncated` says whether any was cut.
    static let contextShape = LuaTableShape(
        fields: ["task_type", "input", "output", "code", "tests", "truncated", "language"],
        tables: [
            .init("lengths", fields: ["input", "output", "code", "tests"]),
            .init("exec", fields: ["ran", "passed", "timed_out", "duration_ms", "stderr_tail", "last_line", "kind", "exit_code"]),
        ]
    )

    /// The values of `contextShape` for `context`; nil leaves a key out.
    static func template(for context: RuleContext, in state: LuaState) -> LuaTemplate {
        var truncated = false
        func bounded(_ text: String) -> LuaValue {
            let view = BoundedText.view(text)
            truncated = truncated || view.truncated
            return .string(view.text)
        }
        let texts = [context.input, context.output, context.code]
        var fields: [LuaValue] = [.string(context.taskType)] + texts.map(bounded)
        fields.append(context.tests.map(bounded) ?? .nil)
        fields.append(.boolean(truncated))
        fields.append(context.language.map(LuaValue.string) ?? .nil)
        let lengths: [LuaValue] = (texts.map { .integer($0.utf8.count) }) + [context.tests.map { .integer($0.utf8.count) } ?? .nil]
        let exec: [LuaValue]? = context.exec.map { exec in
            [
                .boolean(exec.ran), .boolean(exec.passed), .boolean(exec.timedOut), .number(exec.durationMs),
                .string(exec.stderrTail), .string(exec.lastLine), .string(exec.kind.rawValue), exec.exitCode.map(LuaValue.integer) ?? .nil,
            ]
        }
        return state.makeTemplate(contextShape, fields: fields, tables: [lengths, exec])
    }
}
