import Foundation
public import Logging
import Metrics
public import SelfHealCore

/// One optimizer pass (README.md, "Self-healing: the optimizer"), per task type, under that task type's store lease:
/// decide a running canary; else roll back an active version that regressed against its
/// predecessor; else, when the trigger fires and no cooldown holds, diagnose the failures,
/// have the LLM rewrite the prompt, replay candidate and active prompt through the real worker
/// and evaluator, and start the candidate (as a canary, or active at once when the canary
/// share is 0) only if it wins. Every run is written to `optimizer_runs`.
public struct Optimizer: Sendable {
    let store: any Store
    let generator: any Generating
    let evaluator: any Evaluating
    let rewriter: any LLMProvider
    let plugins: PluginsEngine
    let owner: String
    let logger: Logger

    public init(
        store: any Store, generator: any Generating, evaluator: any Evaluating, rewriter: any LLMProvider,
        plugins: PluginsEngine, owner: String, logger: Logger
    ) {
        self.store = store
        self.generator = generator
        self.evaluator = evaluator
        self.rewriter = rewriter
        self.plugins = plugins
        self.owner = owner
        self.logger = logger
    }

    /// One run per task type, in order, each recorded in the store (a run that could not be
    /// recorded is still returned, without an id, and logged).
    public func runPass(taskTypes: [String]) async -> [OptimizerRun] {
        var runs: [OptimizerRun] = []
        for taskType in taskTypes {
            runs.append(await run(taskType: taskType))
        }
        return runs
    }

    /// One run for one task type.
    public func run(taskType: String) async -> OptimizerRun {
        let outcome = await leasedRun(taskType: taskType)
        var details = outcome.details
        details.pluginsVersion = plugins.status.version
        var run = OptimizerRun(
            taskType: taskType, decision: outcome.decision.rawValue, trigger: outcome.trigger, promptId: outcome.promptId,
            candidateId: outcome.candidateId, evidence: outcome.evidence, details: details.json
        )
        do {
            run.id = try await store.appendOptimizerRun(run)
        } catch {
            logger.error("Optimizer run not recorded", metadata: ["task_type": "\(taskType)", "error": "\(error)"])
        }
        Counter(label: "selfheal_optimizer_runs_total", dimensions: [("decision", run.decision)]).increment()
        logger.info("Optimizer run", metadata: [
            "task_type": "\(taskType)", "optimizer.decision": "\(run.decision)", "optimizer.reason": "\(details.reason)",
            "prompt.id": "\(run.promptId.map(String.init) ?? "-")", "candidate.id": "\(run.candidateId.map(String.init) ?? "-")",
        ])
        return run
    }

    /// Takes the lease, runs, gives it back. The lease outlives this process only until it
    /// expires, so a pod that dies mid-run blocks the task type for `lease_seconds` at most.
    private func leasedRun(taskType: String) async -> RunOutcome {
        let leaseSeconds: Double
        do {
            leaseSeconds = try plugins.leaseSeconds(taskType: taskType)
        } catch {
            return pluginFailure(error, taskType: taskType, fallback: .error, reason: "no lease duration; nothing done")
        }
        do {
            guard try await store.acquireOptimizerLease(taskType: taskType, owner: owner, ttl: .milliseconds(Int64(leaseSeconds * 1000))) else {
                return RunOutcome(.locked, reason: "another optimizer holds the \(taskType) lease")
            }
        } catch {
            return RunOutcome(.error, reason: "could not take the lease: \(error)")
        }
        let outcome: RunOutcome
        do {
            outcome = try await decide(taskType: taskType)
        } catch {
            logger.error("Optimizer run failed", metadata: ["task_type": "\(taskType)", "error": "\(error)"])
            outcome = RunOutcome(.error, reason: "\(error)")
        }
        do {
            try await store.releaseOptimizerLease(taskType: taskType, owner: owner)
        } catch {
            // It expires on its own; the next pass merely waits for it.
            logger.warning("Optimizer lease not released", metadata: ["task_type": "\(taskType)", "error": "\(error)"])
        }
        return outcome
    }

    /// Renews this optimizer's lease after a long step (a replay may take minutes with a real
    /// model): false when it expired and another optimizer took the task type meanwhile.
    func renewLease(taskType: String) async throws -> Bool {
        guard let seconds = try? plugins.leaseSeconds(taskType: taskType) else { return false }
        return try await store.acquireOptimizerLease(taskType: taskType, owner: owner, ttl: .milliseconds(Int64(seconds * 1000)))
    }

    /// The §5 order: canary first, then regression, then healing.
    private func decide(taskType: String) async throws -> RunOutcome {
        if let canary = try await store.canaryPrompt(taskType: taskType) {
            return try await decideCanary(canary, taskType: taskType)
        }
        guard let active = try await store.activePrompt(taskType: taskType) else {
            return RunOutcome(.noop, reason: "no active prompt version for \(taskType)")
        }
        if let rolledBack = try await checkRegression(active, taskType: taskType) {
            return rolledBack
        }
        return try await heal(active, taskType: taskType)
    }

    /// A plugin failed: count it, log it and record it, with the conservative decision.
    func pluginFailure(_ error: PluginError, taskType: String, fallback: OptimizerDecision, reason: String, promptId: Int64? = nil) -> RunOutcome {
        let entry = error.entry ?? "unknown"
        plugins.reportFailure(error, taskType: taskType)
        var outcome = RunOutcome(fallback, reason: "plugin '\(entry)' failed; \(reason)", promptId: promptId)
        outcome.details.pluginError = error.description
        return outcome
    }

    /// The logs of a task type since `minutes` ago, newest first, at most `log_limit`.
    func window(taskType: String, minutes: Double, limit: Int) async throws -> LogWindow {
        LogWindow(logs: try await store.recentLogs(taskType: taskType, since: Date().addingTimeInterval(-minutes * 60), limit: limit))
    }

    /// When `prompt` last became `status`, from its history; its creation time when never.
    func lastTime(_ prompt: PromptVersion, became status: PromptStatus) async throws -> Date {
        try await store.promptHistory(id: prompt.id).last { $0.status == status }?.at ?? prompt.createdAt
    }
}
