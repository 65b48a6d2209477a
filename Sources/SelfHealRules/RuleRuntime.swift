import Foundation
import SelfHealCore
import SelfHealLua

/// One Lua state with every rule of one set loaded. Used by one thread at a time: the pool
/// hands it out and takes it back; it is never changed once built.
final class RuleRuntime: Sendable {
    let set: RuleSet
    let state: LuaState
    /// `checks[i]` is the check function of `set.rules[i]`.
    let checks: [LuaFunction]
    /// For each task type some rule names, the indices of the rules that apply to it, in
    /// order; `universal`, the rules that apply to every task type (all a type no rule names
    /// gets). One dictionary lookup per pass, not a set lookup per rule.
    private let applicable: [String: [Int]]
    private let universal: [Int]

    init(set: RuleSet, state: LuaState, checks: [LuaFunction]) {
        self.set = set
        self.state = state
        self.checks = checks
        let rules = set.rules
        let named = Set(rules.flatMap { $0.taskTypes ?? [] })
        applicable = Dictionary(uniqueKeysWithValues: named.map { type in (type, rules.indices.filter { rules[$0].applies(to: type) }) })
        universal = rules.indices.filter { rules[$0].taskTypes == nil }
    }

    /// The indices of the rules that apply to `taskType`, in the set's order.
    func rules(for taskType: String) -> [Int] {
        applicable[taskType] ?? universal
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
        let indices = rules(for: context.taskType)
        guard !indices.isEmpty else { return [] }
        let ctx = Self.template(for: context, in: state)
        defer { state.release(ctx) }
        var outcomes: [RuleOutcome] = []
        outcomes.reserveCapacity(indices.count)
        // Rules are timed, and the pass deadline checked, in nanoseconds of the monotonic clock:
        // a `ContinuousClock.Instant` is opaque outside the standard library (each copy a
        // witness-table call) and a `Duration`'s seconds cost a 128-bit division.
        let deadline = passDeadline.map(Self.uptimeNanoseconds(at:))
        for index in indices {
            let rule = set.rules[index]
            let start = DispatchTime.now().uptimeNanoseconds
            var wallClock: Duration?
            if let deadline {
                guard start < deadline else { return nil }
                wallClock = .nanoseconds(Int64(deadline - start))
            }
            // Each outcome is made where it is known and moved into the list: an optional
            // (score, reason, failure) carried to the end was copied out field by field.
            do {
                let values = try state.call(checks[index], withCopyOf: ctx, wallClock: wallClock, chunk: rule.chunkName)
                let seconds = Double(DispatchTime.now().uptimeNanoseconds &- start) / 1e9
                // A check returning nil says the rule does not apply to this output.
                if let outcome = Self.interpret(values, rule: rule, seconds: seconds) { outcomes.append(outcome) }
            } catch {
                if error.kind == .timeLimitExceeded, let wallClock, wallClock < state.luaLimits.wallClock { return nil }
                let seconds = Double(DispatchTime.now().uptimeNanoseconds &- start) / 1e9
                outcomes.append(Self.outcome(rule, score: 0, reason: Self.reason(for: error, rule: rule, limits: state.luaLimits), failure: error, seconds: seconds))
            }
        }
        return outcomes
    }

    static func outcome(_ rule: RuleDefinition, score: Double, reason: String, failure: LuaError? = nil, seconds: Double) -> RuleOutcome {
        RuleOutcome(
            result: RuleResult(name: rule.name, weight: rule.weight, score: score, reason: reason, required: rule.required),
            failure: failure,
            seconds: seconds
        )
    }

    /// `instant` on the clock of `DispatchTime.now().uptimeNanoseconds` (never before now).
    static func uptimeNanoseconds(at instant: ContinuousClock.Instant) -> UInt64 {
        let now = DispatchTime.now().uptimeNanoseconds
        // A day at most: a pass deadline is seconds away, and the sum must not overflow.
        return now &+ UInt64(min(max(0, (instant - ContinuousClock.now).nanoseconds), 86_400_000_000_000))
    }

    /// `return score, reason`: a number in [0, 1] or a boolean, and an optional string; nil
    /// when the check returned nil.
    static func interpret(_ values: [LuaValue], rule: RuleDefinition, seconds: Double) -> RuleOutcome? {
        let reason = values.count > 1 ? reasonText(values[1]) : ""
        switch values.first ?? .nil {
        case .nil:
            return nil
        case .boolean(let passed):
            return outcome(rule, score: passed ? 1 : 0, reason: reason.isEmpty ? (passed ? "passed" : "failed") : reason, seconds: seconds)
        case let value where value.doubleValue != nil:
            let score = value.doubleValue!
            guard score >= 0, score <= 1 else {
                let message = "rule '\(rule.name)' returned the score \(ScoringPolicyParser.describe(value)), outside [0, 1]"
                let failure = LuaError(kind: .invalidResult, message: message, file: rule.file, line: rule.checkLine)
                return outcome(rule, score: 0, reason: message, failure: failure, seconds: seconds)
            }
            return outcome(rule, score: score, reason: reason.isEmpty ? "no reason given" : reason, seconds: seconds)
        case let value:
            let message = "rule '\(rule.name)' returned a \(value.typeName) instead of a score in [0, 1]"
            let failure = LuaError(kind: .invalidResult, message: message, file: rule.file, line: rule.checkLine)
            return outcome(rule, score: 0, reason: message, failure: failure, seconds: seconds)
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
