import Foundation
import Logging
import Metrics
import NIOPosix
import SelfHealCore
import SelfHealLua
import Synchronization

/// Scores outputs with the live rule set of a `rules/` folder and reloads it when the files
/// change. Lua runs on a NIOThreadPool, never on Swift's cooperative pool: a rule is
/// CPU-bound and may run to its full instruction budget.
public final class RulesEngine: RuleScoring, ReloadableLuaFolder, Sendable {
    public let directory: String
    public let limits: LuaLimits
    private let logger: Logger
    private let threadPool: NIOThreadPool
    private let pool: RuleStatePool
    private let live: Mutex<LiveState>
    /// Serialises reloads (the poller and a manual reload may race); scoring never takes it.
    private let reloadLock = Mutex<Void>(())
    private let ruleTimer = Metrics.Timer(label: "selfheal_rule_duration_seconds")

    private struct LiveState {
        var set: RuleSet
        var lastError: String?
        var lastErrorAt: Date?
        /// The content that failed last, so a broken edit is reported once, not every poll.
        var failedVersion: String?
    }

    /// Loads and validates `directory`; throws `RuleLoadError` (naming file and line) or
    /// `LuaFolderError` when the initial set is unusable, since there is no last good set yet.
    public init(
        directory: String, limits: LuaLimits = .default, threadPool: NIOThreadPool = .singleton,
        logger: Logger
    ) throws {
        self.directory = directory
        self.limits = limits
        self.logger = logger
        self.threadPool = threadPool
        self.pool = RuleStatePool(limits: limits, maxIdle: max(2, ProcessInfo.processInfo.activeProcessorCount))
        let snapshot = try LuaFolderSnapshot.read(directory: directory)
        let runtime = try RuleSetLoader.load(snapshot, limits: limits).get()
        pool.seed(runtime)
        live = Mutex(LiveState(set: runtime.set))
        logger.info("Rules loaded", metadata: [
            "rules.version": "\(snapshot.version)", "rules.count": "\(runtime.set.rules.count)", "rules.directory": "\(directory)",
        ])
    }

    /// The set new evaluations use.
    public var current: RuleSet { live.withLock { $0.set } }

    public var status: ReloadStatus {
        live.withLock { ReloadStatus(version: $0.set.version, loadedAt: $0.set.loadedAt, lastError: $0.lastError, lastErrorAt: $0.lastErrorAt) }
    }

    public func score(_ context: RuleContext) async -> RuleSetScore {
        do {
            return try await threadPool.runIfActive { self.scoreBlocking(context) }
        } catch {
            // The pool has been shut down (process exit): still answer, on this thread.
            return scoreBlocking(context)
        }
    }

    /// Scores on the calling thread. For callers that are already off the cooperative pool
    /// (the benchmark, `rules check`).
    public func scoreBlocking(_ context: RuleContext) -> RuleSetScore {
        let set = current
        let outcomes = evaluate(context, on: set)
        return Self.combine(outcomes.map(\.result), set: set)
    }

    /// Every applicable rule's outcome, with failures and timings, on `set`.
    func evaluate(_ context: RuleContext, on set: RuleSet) -> [RuleOutcome] {
        let start = ContinuousClock.now
        defer { ruleTimer.recordNanoseconds((ContinuousClock.now - start).nanoseconds) }
        let runtime: RuleRuntime
        do {
            runtime = try pool.checkOut(for: set)
        } catch {
            // A set that validated could not be rebuilt (e.g. the machine is out of memory):
            // fail every rule loudly rather than let the judge pass the output alone.
            logger.error("Rules state could not be built", metadata: ["rules.version": "\(set.version)", "error": "\(error)"])
            return set.rules.filter { $0.applies(to: context.taskType) }.map {
                RuleOutcome(result: RuleResult(name: $0.name, weight: $0.weight, score: 0, reason: "rule '\($0.name)' could not run: \(error)", required: $0.required),
                            failure: LuaError(kind: .stateCreation, message: "\(error)"), seconds: 0)
            }
        }
        let outcomes = runtime.evaluate(context)
        pool.checkIn(runtime, live: current)
        return outcomes
    }

    static func combine(_ results: [RuleResult], set: RuleSet) -> RuleSetScore {
        let totalWeight = results.reduce(0) { $0 + $1.weight }
        let ruleScore = results.isEmpty || totalWeight <= 0 ? nil : results.reduce(0) { $0 + $1.weight * $1.score } / totalWeight
        let failedRequired = results.filter { $0.required && $0.score < 1 }.map(\.name)
        return RuleSetScore(rules: results, ruleScore: ruleScore, failedRequired: failedRequired, policy: set.policy, version: set.version)
    }

    // MARK: - Reload

    /// Reads the folder; when its content hash differs from the live set's, validates the new
    /// content in a fresh state and swaps it in. On failure the live set stays.
    @discardableResult
    public func reloadIfChanged() -> LuaFolderReloadOutcome {
        reloadLock.withLock { _ in
            let snapshot: LuaFolderSnapshot
            do {
                snapshot = try LuaFolderSnapshot.read(directory: directory)
            } catch {
                return fail("\(error)", version: "unreadable")
            }
            let (liveVersion, failedVersion) = live.withLock { ($0.set.version, $0.failedVersion) }
            if snapshot.version == liveVersion {
                // A broken edit was reverted: the live set is what is on disk again.
                live.withLock { if $0.failedVersion != nil { $0.failedVersion = nil; $0.lastError = nil; $0.lastErrorAt = nil } }
                return .unchanged
            }
            if snapshot.version == failedVersion { return .unchanged }
            let start = ContinuousClock.now
            switch RuleSetLoader.load(snapshot, limits: limits) {
            case .success(let runtime):
                pool.seed(runtime)
                live.withLock { state in
                    state = LiveState(set: runtime.set)
                }
                Counter(label: "selfheal_rules_reloads_total", dimensions: [("result", "success")]).increment()
                logger.info("Rules reloaded", metadata: [
                    "rules.version": "\(snapshot.version)", "rules.previous_version": "\(liveVersion)",
                    "rules.count": "\(runtime.set.rules.count)", "rules.reload_ms": "\((ContinuousClock.now - start).nanoseconds / 1_000_000)",
                ])
                return .reloaded(version: snapshot.version)
            case .failure(let error):
                return fail(error.description, version: snapshot.version)
            }
        }
    }

    private func fail(_ message: String, version: String) -> LuaFolderReloadOutcome {
        let (liveVersion, isNew) = live.withLock { state in
            let isNew = state.failedVersion != version
            if isNew {
                state.lastError = message
                state.lastErrorAt = Date()
                state.failedVersion = version
            }
            return (state.set.version, isNew)
        }
        if isNew {
            Counter(label: "selfheal_rules_reloads_total", dimensions: [("result", "failure")]).increment()
            logger.error("Rules reload failed; keeping the last good set", metadata: [
                "rules.version": "\(liveVersion)", "rules.rejected_version": "\(version)", "error": "\(message)",
            ])
        }
        return .failed(message: message)
    }
}
