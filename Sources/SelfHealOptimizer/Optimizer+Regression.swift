import Foundation
import SelfHealCore

extension Optimizer {
    /// Rolls the active version back when the regression plugin says it does worse than the
    /// version a roll-back would restore. Nil when it did not regress (or cannot be judged):
    /// the pass goes on to healing. A failing plugin is logged and treated as no regression.
    func checkRegression(_ active: PromptVersion, taskType: String) async throws -> RunOutcome? {
        guard let predecessor = try await predecessor(of: active) else { return nil }
        let minutes: Double
        let limit: Int
        do {
            minutes = try plugins.regressionWindowMinutes(taskType: taskType)
            limit = try plugins.logLimit(taskType: taskType)
        } catch {
            plugins.reportFailure(error, taskType: taskType)
            return nil
        }
        let activeSince = try await lastTime(active, became: .active)
        let logs = try await window(taskType: taskType, minutes: minutes, limit: limit)
        let activeStats = logs.stats(of: active, since: activeSince)
        let predecessorStats = logs.stats(of: predecessor)
        let verdict: PluginVerdict
        do {
            verdict = try plugins.regressed(active: activeStats, predecessor: predecessorStats, taskType: taskType)
        } catch {
            plugins.reportFailure(error, taskType: taskType)
            return nil
        }
        guard verdict.yes else { return nil }
        let restored = try await store.rollbackPrompt(taskType: taskType, reason: "regression: \(verdict.reason)")
        var outcome = RunOutcome(.regressionRolledBack, reason: verdict.reason, promptId: restored.id)
        outcome.candidateId = active.id
        outcome.evidence = logs.failures(of: active.id, since: activeSince).compactMap(\.id)
        outcome.details.active = activeStats
        outcome.details.predecessor = predecessorStats
        return outcome
    }

    /// The version `rollbackPrompt` would restore: the one most recently active before `active`
    /// that was neither rolled back nor rejected (so, retired); else its parent, on the same terms.
    func predecessor(of active: PromptVersion) async throws -> PromptVersion? {
        var best: (version: PromptVersion, at: Date)?
        for version in try await store.prompts(taskType: active.taskType)
        where version.id != active.id && version.status == .retired {
            guard let at = try await store.promptHistory(id: version.id).last(where: { $0.status == .active })?.at else { continue }
            if best == nil || at > best!.at { best = (version, at) }
        }
        if let best { return best.version }
        guard let parentId = active.parentId, let parent = try await store.prompt(id: parentId),
              parent.status != .rolledBack, parent.status != .rejected
        else { return nil }
        return parent
    }
}
