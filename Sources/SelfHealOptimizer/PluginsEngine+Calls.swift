import SelfHealLua
import Synchronization

// The typed entry points: plain tables in, checked Swift values out. Each throws
// `PluginError` when the plugin errors, exhausts its budget or answers the wrong shape.
extension PluginsEngine {
    /// The canary's share of traffic for the worker, in [0, 1]. Never throws: the worker asks on
    /// every request, so the answer is computed once per task type per plugin version, and a
    /// failing plugin sends no traffic to the canary (0), which is the safe side.
    public func canaryShare(taskType: String) -> Double {
        let set = current
        if let cached = set.shareCache.withLock({ $0[taskType] }) { return cached }
        let share: Double
        do {
            share = try set.number("canary_share", taskType: taskType)
        } catch {
            reportFailure(error, taskType: taskType)
            share = 0
        }
        set.shareCache.withLock { $0[taskType] = share }
        return share
    }

    /// The canary share as the optimizer needs it when starting a canary: a failure is an error,
    /// not 0, because 0 would activate the candidate at once.
    public func checkedCanaryShare(taskType: String) throws(PluginError) -> Double {
        try current.number("canary_share", taskType: taskType)
    }

    public func leaseSeconds(taskType: String) throws(PluginError) -> Double { try current.number("lease_seconds", taskType: taskType) }
    public func logLimit(taskType: String) throws(PluginError) -> Int { Int(try current.number("log_limit", taskType: taskType)) }
    public func evidenceLimit(taskType: String) throws(PluginError) -> Int { Int(try current.number("evidence_limit", taskType: taskType)) }
    public func windowMinutes(taskType: String) throws(PluginError) -> Double { try current.number("window_minutes", taskType: taskType) }
    public func cooldownSeconds(taskType: String) throws(PluginError) -> Double { try current.number("cooldown_minutes", taskType: taskType) * 60 }
    public func minSamples(taskType: String) throws(PluginError) -> Int { Int(try current.number("min_samples", taskType: taskType)) }
    public func regressionWindowMinutes(taskType: String) throws(PluginError) -> Double {
        try current.number("regression_window_minutes", taskType: taskType)
    }

    public func replaySize(taskType: String) throws(PluginError) -> ReplaySize {
        let set = current
        return ReplaySize(
            failing: Int(try set.number("replay_failing", taskType: taskType)),
            passing: Int(try set.number("replay_passing", taskType: taskType))
        )
    }

    /// `trigger(window, task_type) -> fires, reason`.
    public func trigger(_ window: FailureWindow) throws(PluginError) -> TriggerDecision {
        let verdict = try yesNo("trigger", [.table(window.lua), .string(window.taskType)])
        return TriggerDecision(fires: verdict.yes, reason: verdict.reason)
    }

    /// `decide_canary(canary, active, min_samples, task_type) -> "promote" | "wait" | "rollback", reason`;
    /// the canary's table also carries `age_minutes`, how long it has been the canary.
    public func decideCanary(canary: VersionStats, active: VersionStats, canaryMinutes: Double, taskType: String) throws(PluginError) -> CanaryDecision {
        let set = current
        let minSamples = try set.number("min_samples", taskType: taskType)
        var canaryTable = canary.lua
        canaryTable.fields["age_minutes"] = .number(canaryMinutes)
        let results = try set.call("decide_canary", [.table(canaryTable), .table(active.lua), .number(minSamples), .string(taskType)], maxResults: 2)
        guard let word = results[0].stringValue, let action = CanaryDecision.Action(rawValue: word) else {
            throw PluginError.badResult("decide_canary", "\(Self.show(results[0])) where \"promote\", \"wait\" or \"rollback\" was expected")
        }
        return CanaryDecision(action: action, reason: results[1].stringValue ?? "decide_canary said \(word)")
    }

    /// `regressed(active, predecessor, task_type) -> bool, reason`.
    public func regressed(active: VersionStats, predecessor: VersionStats, taskType: String) throws(PluginError) -> PluginVerdict {
        try yesNo("regressed", [.table(active.lua), .table(predecessor.lua), .string(taskType)])
    }

    /// `diagnose(failures, task_type) -> { "problem", ... }`: what the rewrite must fix.
    public func diagnose(failures: [FailureEvidence], taskType: String) throws(PluginError) -> [String] {
        let results = try current.call("diagnose", [.table(LuaTable(array: failures.map { .table($0.lua) })), .string(taskType)], maxResults: 1)
        guard let table = results[0].tableValue else {
            throw PluginError.badResult("diagnose", "\(Self.show(results[0])) where a list of strings was expected")
        }
        var problems: [String] = []
        for item in table.array {
            guard let text = item.stringValue else {
                throw PluginError.badResult("diagnose", "a list holding \(Self.show(item)) where only strings belong")
            }
            if !text.isEmpty { problems.append(text) }
        }
        return problems
    }

    /// `replay_verdict(candidate, active, task_type) -> bool, reason`: true when the candidate wins.
    public func replayVerdict(candidate: ReplayScore, active: ReplayScore, taskType: String) throws(PluginError) -> PluginVerdict {
        try yesNo("replay_verdict", [.table(candidate.lua), .table(active.lua), .string(taskType)])
    }

    private func yesNo(_ entry: String, _ arguments: [LuaValue]) throws(PluginError) -> PluginVerdict {
        let results = try current.call(entry, arguments, maxResults: 2)
        guard case .boolean(let yes) = results[0] else {
            throw PluginError.badResult(entry, "\(Self.show(results[0])) where true or false was expected")
        }
        return PluginVerdict(yes: yes, reason: results[1].stringValue ?? "\(entry) returned \(yes)")
    }

    private static func show(_ value: LuaValue) -> String {
        if let text = value.stringValue { return "\"\(text.prefix(80))\"" }
        return "a \(value.typeName)"
    }
}
