import SelfHealLua
import SelfHealCore

/// Reads what `rules/scoring.lua` returns into a `ScoringPolicy`. Keys this version does not
/// know are left alone, not refused; `sandbox` is read by `SandboxSettingsParser`.
enum ScoringPolicyParser {
    static let fileName = "scoring.lua"

    static func parse(_ value: LuaValue, file: LuaFolderSnapshot.File) -> Result<ScoringPolicy, RuleLoadError> {
        var problems: [RuleLoadError.Problem] = []
        func problem(_ key: String?, _ message: String) {
            problems.append(.init(file: file.path, line: SourceLines.line(of: key, in: file.source), message: message))
        }
        guard let table = value.tableValue else {
            problem(nil, "scoring.lua must return a table with weights, pass_threshold and on_judge_unavailable (got \(value.typeName))")
            return .failure(RuleLoadError(problems: problems))
        }
        var policy = ScoringPolicy.defaults

        switch table["weights"] {
        case .nil:
            break
        case .table(let weights):
            for key in ["rules", "judge"] {
                switch weights[key] {
                case .nil:
                    break
                case let weight where weight.doubleValue.map({ $0 >= 0 && $0 <= 1 }) == true:
                    if key == "rules" { policy.weights.rules = weight.doubleValue! } else { policy.weights.judge = weight.doubleValue! }
                case let other:
                    problem(key, "weights.\(key) must be a number within [0, 1] (got \(describe(other)))")
                }
            }
            if policy.weights.rules + policy.weights.judge <= 0 {
                problem("weights", "weights.rules and weights.judge cannot both be 0")
            }
        case let other:
            problem("weights", "weights must be a table { rules = ..., judge = ... } (got \(other.typeName))")
        }

        switch table["pass_threshold"] {
        case .nil:
            break
        case let threshold where threshold.doubleValue.map({ $0 >= 0 && $0 <= 1 }) == true:
            policy.passThreshold = threshold.doubleValue!
        case let other:
            problem("pass_threshold", "pass_threshold must be a number within [0, 1] (got \(describe(other)))")
        }

        switch table["on_judge_unavailable"] {
        case .nil:
            break
        case .string(let text) where JudgeUnavailablePolicy(rawValue: text) != nil:
            policy.onJudgeUnavailable = JudgeUnavailablePolicy(rawValue: text)!
        case let other:
            problem("on_judge_unavailable", "on_judge_unavailable must be \"rules_only\" or \"fail\" (got \(describe(other)))")
        }

        switch table["execution"] {
        case .nil:
            break
        case .table(let execution):
            switch execution["mode"] {
            case .nil:
                break
            case .string(let text) where ExecutionPolicy.Mode(rawValue: text) != nil:
                policy.execution.mode = ExecutionPolicy.Mode(rawValue: text)!
            case let other:
                problem("mode", "execution.mode must be \"decide\" or \"weigh\" (got \(describe(other)))")
            }
            switch execution["quality_floor"] {
            case .nil:
                break
            case let floor where floor.doubleValue.map({ $0 >= 0 && $0 <= 1 }) == true:
                policy.execution.qualityFloor = floor.doubleValue!
            case let other:
                problem("quality_floor", "execution.quality_floor must be a number within [0, 1] (got \(describe(other)))")
            }
        case let other:
            problem("execution", "execution must be a table { mode = \"decide\", quality_floor = 0.3 } (got \(other.typeName))")
        }

        let (sandbox, sandboxProblems) = SandboxSettingsParser.parse(table["sandbox"])
        policy.sandbox = sandbox
        for (key, message) in sandboxProblems { problem(key, message) }

        return problems.isEmpty ? .success(policy) : .failure(RuleLoadError(problems: problems))
    }

    static func describe(_ value: LuaValue) -> String {
        switch value {
        case .integer(let i): "\(i)"
        case .number(let d): "\(d)"
        case .string(let s): "\"\(s)\""
        case .boolean(let b): "\(b)"
        default: value.typeName
        }
    }
}
