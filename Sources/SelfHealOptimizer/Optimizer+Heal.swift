import Foundation
import Logging
import SelfHealCore
import SelfHealLLM

extension Optimizer {
    /// The trigger, the cooldown, the diagnosis, the rewrite and the replay. Any plugin failure
    /// stops short of changing anything and says so in the run.
    func heal(_ active: PromptVersion, taskType: String) async throws -> RunOutcome {
        let minutes: Double, limit: Int, cooldown: Double, evidenceLimit: Int
        do {
            minutes = try plugins.windowMinutes(taskType: taskType)
            limit = try plugins.logLimit(taskType: taskType)
            cooldown = try plugins.cooldownSeconds(taskType: taskType)
            evidenceLimit = try plugins.evidenceLimit(taskType: taskType)
        } catch {
            return pluginFailure(error, taskType: taskType, fallback: .noop, reason: "nothing done", promptId: active.id)
        }
        let since = Date().addingTimeInterval(-minutes * 60)
        let logs = try await window(taskType: taskType, minutes: minutes, limit: limit)
        let stats = logs.stats(of: active, since: since)
        let trigger: TriggerDecision
        do {
            trigger = try plugins.trigger(FailureWindow(taskType: taskType, windowMinutes: minutes, stats: stats))
        } catch {
            return pluginFailure(error, taskType: taskType, fallback: .noop, reason: "nothing done", promptId: active.id)
        }
        var outcome = RunOutcome(.noop, reason: trigger.reason, promptId: active.id)
        outcome.details.window = stats
        guard trigger.fires else { return outcome }
        outcome.trigger = trigger.reason

        if let last = try await store.optimizerRuns(taskType: taskType, limit: 50).first(where: {
            OptimizerDecision(rawValue: $0.decision)?.startsCooldown == true
        }), -last.createdAt.timeIntervalSinceNow < cooldown {
            outcome.decision = .cooldown
            outcome.details.reason = "the trigger fired, but '\(last.decision)' at \(last.createdAt) is within the \(Int(cooldown / 60))-minute cooldown"
            return outcome
        }

        // Newest first: the evidence is the latest failures, which the current prompt produced.
        let failing = Array(logs.failures(of: active.id, since: since).prefix(evidenceLimit))
        outcome.evidence = failing.compactMap(\.id)
        let diagnosis: [String]
        do {
            diagnosis = try plugins.diagnose(failures: failing.map(FailureEvidence.init(log:)), taskType: taskType)
        } catch {
            var failed = pluginFailure(error, taskType: taskType, fallback: .noop, reason: "no rewrite without a diagnosis", promptId: active.id)
            failed.trigger = outcome.trigger
            failed.evidence = outcome.evidence
            return failed
        }
        outcome.details.diagnosis = diagnosis
        guard !diagnosis.isEmpty else {
            outcome.details.reason = "the trigger fired, but the diagnosis found nothing to fix"
            return outcome
        }

        let text: String
        do {
            let completion = try await rewriter.complete(PromptRewrite.request(currentPrompt: active.text, taskType: taskType, diagnosis: diagnosis))
            text = PromptRewrite.extractPrompt(from: completion.text)
        } catch {
            outcome.decision = .error
            outcome.details.reason = "the rewrite LLM failed: \(error)"
            return outcome
        }
        guard !text.isEmpty, text != active.text.trimmingCharacters(in: .whitespacesAndNewlines) else {
            outcome.details.reason = "the rewrite returned the current prompt unchanged"
            return outcome
        }
        // A deterministic rewrite of the same failures gives the same text: one that live
        // traffic already rolled back is not worth another canary.
        if let earlier = try await store.prompts(taskType: taskType).first(where: {
            $0.status == .rolledBack && $0.text.trimmingCharacters(in: .whitespacesAndNewlines) == text
        }) {
            outcome.decision = .candidateRejected
            outcome.candidateId = earlier.id
            outcome.details.reason = "the rewrite is identical to version \(earlier.version), which was rolled back"
            return outcome
        }
        let candidate = try await store.createPrompt(NewPrompt(
            taskType: taskType, text: text, status: .candidate, author: .optimizer,
            reason: "rewrite of version \(active.version): \(trigger.reason); fixes: \(diagnosis.prefix(5).joined(separator: " | "))",
            parentId: active.id, evidence: outcome.evidence
        ))
        outcome.candidateId = candidate.id
        return try await tryCandidate(candidate, against: active, failing: failing, logs: logs, outcome: outcome, taskType: taskType)
    }

    /// Replays, asks the verdict, then starts or rejects the candidate. A candidate is rejected
    /// whenever it cannot be shown to win, so no unproven prompt ever serves traffic.
    private func tryCandidate(
        _ candidate: PromptVersion, against active: PromptVersion, failing: [ExecutionLog], logs: LogWindow,
        outcome: RunOutcome, taskType: String
    ) async throws -> RunOutcome {
        var outcome = outcome
        func reject(_ why: String) async throws -> RunOutcome {
            _ = try await store.setPromptStatus(id: candidate.id, status: .rejected, reason: why)
            outcome.decision = .candidateRejected
            outcome.details.reason = why
            return outcome
        }
        let size: ReplaySize
        do {
            size = try plugins.replaySize(taskType: taskType)
        } catch {
            plugins.reportFailure(error, taskType: taskType)
            outcome.details.pluginError = error.description
            return try await reject("not replayed: \(error)")
        }
        let inputs = replayInputs(failing: failing, logs: logs, size: size)
        let replay = Replay(generator: generator, evaluator: evaluator, taskType: taskType)
        async let candidateScore = replay.score(prompt: candidate, inputs: inputs)
        async let activeScore = replay.score(prompt: active, inputs: inputs)
        let (candidateResult, activeResult) = await (candidateScore, activeScore)
        outcome.details.replayCandidate = candidateResult
        outcome.details.replayActive = activeResult
        outcome.details.replayInputs = inputs.count
        // The active version generated fine in production: if none of its replays ran, the
        // worker or evaluator is unreachable, which says nothing about the candidate.
        if activeResult.couldNotRun {
            let why = "replay could not run (\(activeResult.firstError ?? "every sample failed")); is the worker or evaluator reachable?"
            logger.error("Optimizer replay could not run", metadata: ["task_type": "\(taskType)", "error": "\(why)"])
            _ = try await store.setPromptStatus(id: candidate.id, status: .rejected, reason: "not replayed: \(why)")
            outcome.decision = .error
            outcome.details.reason = why
            return outcome
        }
        // The world may have moved during the replay: only the lease holder acts, and only on
        // the version the candidate was compared with.
        guard try await renewLease(taskType: taskType) else { return try await reject("the optimizer lease expired during the replay") }
        guard try await store.activePrompt(taskType: taskType)?.id == active.id else {
            return try await reject("the active version changed during the replay")
        }

        let verdict: PluginVerdict
        do {
            verdict = try plugins.replayVerdict(candidate: candidateResult, active: activeResult, taskType: taskType)
        } catch {
            plugins.reportFailure(error, taskType: taskType)
            outcome.details.pluginError = error.description
            return try await reject("no replay verdict: \(error)")
        }
        guard verdict.yes else { return try await reject("lost its replay: \(verdict.reason)") }

        let share: Double
        do {
            share = try plugins.checkedCanaryShare(taskType: taskType)
        } catch {
            plugins.reportFailure(error, taskType: taskType)
            outcome.details.pluginError = error.description
            return try await reject("won its replay (\(verdict.reason)) but no canary share could be read")
        }
        if share <= 0 {
            _ = try await store.activatePrompt(id: candidate.id, reason: "won its replay (\(verdict.reason)); canary share 0")
            outcome.decision = .activated
        } else {
            _ = try await store.setPromptStatus(id: candidate.id, status: .canary, reason: "won its replay (\(verdict.reason)); canary share \(share)")
            outcome.decision = .canaryStarted
        }
        outcome.details.reason = verdict.reason
        return outcome
    }

    /// Recent distinct inputs that failed on the active version, then recent distinct inputs
    /// that passed on any version, so the candidate must fix the first without breaking the second.
    private func replayInputs(failing: [ExecutionLog], logs: LogWindow, size: ReplaySize) -> [ReplayInput] {
        let failed = LogWindow.distinctInputs(failing, limit: size.failing)
        let passed = LogWindow.distinctInputs(logs.logs.filter { $0.status == .ok && $0.passed }, limit: size.passing)
        return failed.map { ReplayInput(log: $0, failedInProduction: true) } + passed.map { ReplayInput(log: $0, failedInProduction: false) }
    }
}
