import Foundation
import SelfHealCore

extension Optimizer {
    /// Promote, wait or roll back a running canary, on its record since it became the canary
    /// against the active version's record over the same time. A failing plugin waits.
    func decideCanary(_ canary: PromptVersion, taskType: String) async throws -> RunOutcome {
        let active = try await store.activePrompt(taskType: taskType)
        if let active, let parent = canary.parentId, parent != active.id {
            let reason = "its parent (id \(parent)) is no longer the active version; v\(active.version) is"
            _ = try await store.setPromptStatus(id: canary.id, status: .rejected, reason: "canary superseded: \(reason)")
            var outcome = RunOutcome(.canarySuperseded, reason: reason, promptId: active.id)
            outcome.candidateId = canary.id
            outcome.evidence = canary.evidence
            return outcome
        }
        let since = try await lastTime(canary, became: .canary)
        let limit: Int
        do {
            limit = try plugins.logLimit(taskType: taskType)
        } catch {
            return pluginFailure(error, taskType: taskType, fallback: .canaryWait, reason: "the canary keeps running", promptId: canary.id)
        }
        let logs = try await window(taskType: taskType, minutes: max(1, -since.timeIntervalSinceNow / 60 + 1), limit: limit)
        let canaryStats = logs.stats(of: canary, since: since)
        // With no active version (an operator retired it) the canary is compared with nothing served.
        let activeStats = active.map { logs.stats(of: $0, since: since) }
            ?? VersionStats.empty(promptId: 0, version: 0)

        let decision: CanaryDecision
        do {
            decision = try plugins.decideCanary(canary: canaryStats, active: activeStats, canaryMinutes: -since.timeIntervalSinceNow / 60, taskType: taskType)
        } catch {
            var outcome = pluginFailure(error, taskType: taskType, fallback: .canaryWait, reason: "the canary keeps running", promptId: canary.id)
            outcome.candidateId = canary.id
            outcome.details.canary = canaryStats
            outcome.details.active = activeStats
            return outcome
        }
        var outcome: RunOutcome
        switch decision.action {
        case .wait:
            outcome = RunOutcome(.canaryWait, reason: decision.reason, promptId: active?.id)
        case .promote:
            _ = try await store.activatePrompt(id: canary.id, reason: "promoted from canary: \(decision.reason)")
            outcome = RunOutcome(.promoted, reason: decision.reason, promptId: active?.id)
        case .rollback:
            // The active version never stopped serving the rest of the traffic: once the canary
            // is out, it serves everything again.
            _ = try await store.setPromptStatus(id: canary.id, status: .rolledBack, reason: "canary rolled back: \(decision.reason)")
            outcome = RunOutcome(.canaryRolledBack, reason: decision.reason, promptId: active?.id)
        }
        outcome.candidateId = canary.id
        outcome.evidence = canary.evidence
        outcome.details.canary = canaryStats
        outcome.details.active = activeStats
        return outcome
    }
}
