import Foundation
import SelfHealCore
import SelfHealLua

/// Turns a folder snapshot into a validated `RuleSet`, in a fresh Lua state that then serves
/// as the set's first pooled state. Nothing here touches the live set: the engine swaps only
/// when this succeeds.
enum RuleSetLoader {
    static func load(_ snapshot: LuaFolderSnapshot, limits: LuaLimits) -> Result<RuleRuntime, RuleLoadError> {
        let state: LuaState
        do {
            state = try LuaState(limits: limits)
        } catch {
            return .failure(RuleLoadError(problems: [.init(file: snapshot.directory, line: 0, message: error.message)]))
        }
        var problems: [RuleLoadError.Problem] = []
        var policy = ScoringPolicy.defaults
        if let scoring = snapshot.files.first(where: { $0.name == ScoringPolicyParser.fileName }) {
            do {
                // sandbox.languages.<name>.run is five tables down.
                let value = try state.loadChunk(scoring.source, name: scoring.name, depth: 5)
                switch ScoringPolicyParser.parse(value, file: scoring) {
                case .success(let parsed): policy = parsed
                case .failure(let error): problems += error.problems
                }
            } catch {
                problems.append(problem(error, file: scoring, limits: limits))
            }
        }
        let ruleFiles = snapshot.files.filter { $0.name != ScoringPolicyParser.fileName }
        let (rules, checks, ruleProblems) = loadRules(ruleFiles, into: state, limits: limits)
        problems += ruleProblems
        if rules.isEmpty && problems.isEmpty {
            problems.append(.init(file: snapshot.directory, line: 0, message: "no rule files (*.lua besides scoring.lua) found"))
        }
        guard problems.isEmpty else { return .failure(RuleLoadError(problems: problems)) }
        let set = RuleSet(snapshot: snapshot, policy: policy, rules: rules, ruleFiles: ruleFiles)
        return .success(RuleRuntime(set: set, state: state, checks: checks))
    }

    /// Builds another state for a set that already validated (a pool miss).
    static func runtime(for set: RuleSet, limits: LuaLimits) throws -> RuleRuntime {
        let state = try LuaState(limits: limits)
        let (_, checks, problems) = loadRules(set.ruleFiles, into: state, limits: limits)
        guard problems.isEmpty, checks.count == set.rules.count else { throw RuleLoadError(problems: problems) }
        return RuleRuntime(set: set, state: state, checks: checks)
    }

    static func loadRules(
        _ files: [LuaFolderSnapshot.File], into state: LuaState, limits: LuaLimits
    ) -> ([RuleDefinition], [LuaFunction], [RuleLoadError.Problem]) {
        var rules: [RuleDefinition] = []
        var checks: [LuaFunction] = []
        var problems: [RuleLoadError.Problem] = []
        var seen: [String: String] = [:]
        for file in files {
            do {
                let value = try state.loadChunk(file.source, name: file.name)
                switch validate(value, file: file) {
                case .success(let (rule, check)):
                    if let other = seen[rule.name] {
                        problems.append(.init(file: file.path, line: SourceLines.line(of: "name", in: file.source),
                                              message: "rule name '\(rule.name)' is already used by \(other)"))
                        continue
                    }
                    seen[rule.name] = file.path
                    rules.append(rule)
                    checks.append(check)
                case .failure(let error):
                    problems += error.problems
                }
            } catch {
                problems.append(problem(error, file: file, limits: limits))
            }
        }
        return (rules, checks, problems)
    }

    static func validate(_ value: LuaValue, file: LuaFolderSnapshot.File) -> Result<(RuleDefinition, LuaFunction), RuleLoadError> {
        var problems: [RuleLoadError.Problem] = []
        func problem(_ key: String?, _ message: String) {
            problems.append(.init(file: file.path, line: SourceLines.line(of: key, in: file.source), message: message))
        }
        guard let table = value.tableValue else {
            problem(nil, "a rule file must return a table with name, weight and check (got \(value.typeName))")
            return .failure(RuleLoadError(problems: problems))
        }
        for key in table.fields.keys.sorted() where !RuleDefinition.knownKeys.contains(key) {
            problem(key, "unknown field '\(key)' (a rule has name, weight, check, and optionally task_types, required, description)")
        }
        let name = table["name"].stringValue ?? ""
        if name.isEmpty { problem("name", "name must be a non-empty string (got \(ScoringPolicyParser.describe(table["name"])))") }
        let weight = table["weight"].doubleValue
        if weight == nil || !(weight! >= 0) || !weight!.isFinite {
            problem("weight", "weight must be a number ≥ 0 (got \(ScoringPolicyParser.describe(table["weight"])))")
        }
        var check: LuaFunction?
        if case .function(let function) = table["check"] { check = function } else {
            problem("check", "check must be a function(ctx) returning a score in [0, 1] and a reason (got \(table["check"].typeName))")
        }
        var taskTypes: Set<String>?
        switch table["task_types"] {
        case .nil: break
        case .table(let list) where !list.array.isEmpty && list.array.allSatisfy({ !($0.stringValue ?? "").isEmpty }) && list.fields.isEmpty:
            taskTypes = Set(list.array.compactMap(\.stringValue))
        case .string(let single) where !single.isEmpty:
            problem("task_types", "task_types must be a list such as { \"\(single)\" }, not a string")
        default:
            problem("task_types", "task_types must be a non-empty list of task type names, e.g. { \"code_generation\" }")
        }
        var required = false
        switch table["required"] {
        case .nil: break
        case .boolean(let flag): required = flag
        case let other: problem("required", "required must be true or false (got \(other.typeName))")
        }
        guard problems.isEmpty, let weight, let check else { return .failure(RuleLoadError(problems: problems)) }
        let rule = RuleDefinition(
            name: name, weight: weight, taskTypes: taskTypes, required: required, file: file.path, chunkName: file.name,
            checkLine: check.line ?? SourceLines.line(of: "check", in: file.source)
        )
        return .success((rule, check))
    }

    /// A Lua failure while running a file, with the file and line Lua gave (or a best guess).
    static func problem(_ error: LuaError, file: LuaFolderSnapshot.File, limits: LuaLimits) -> RuleLoadError.Problem {
        var line = error.line ?? SourceLines.line(of: nil, in: file.source)
        var message = error.message
        if let located = error.file, let line = error.line {
            // Lua's message repeats "file:line:"; the problem prints it once.
            message = String(message.dropFirst("\(located):\(line):".count)).trimmingCharacters(in: .whitespaces)
        }
        switch error.kind {
        case .syntax where message.contains("binary chunk"):
            message = "binary chunks are not allowed; rules must be Lua source text"
            line = 1
        case .syntax: message = "syntax error: " + message
        case .budgetExceeded: message = "loading exceeded the instruction budget (\(limits.instructionBudget) instructions)"
        case .libraryStepsExceeded: message = "loading exceeded the string-library step budget (\(limits.librarySteps) steps)"
        case .memoryExceeded: message = "loading exceeded the memory cap (\(limits.memoryDescription))"
        case .timeLimitExceeded: message = "loading exceeded the wall-clock limit (\(limits.wallClockDescription))"
        default: break
        }
        return .init(file: file.path, line: line, message: message)
    }
}
