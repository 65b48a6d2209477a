import Foundation
public import Logging
import Metrics
import NIOCore
public import NIOPosix
public import SelfHealCore
public import SelfHealLua
import Synchronization

/// Scores outputs with the live rule set of a `rules/` folder and reloads it when the files
/// change. Lua runs on its own NIOThreadPool (`luaThreads`), never on Swift's cooperative pool:
/// a rule is CPU-bound and may run to its full bound. The one exception is a short pass called
/// from an event loop, which runs there, cut at 2 ms (`InlinePassGate`).
public final class RulesEngine: RuleScoring, ReloadableLuaFolder, Sendable {
    public let directory: String
    public let limits: LuaLimits
    private let logger: Logger
    private let threadPool: NIOThreadPool
    private let pool: RuleStatePool
    private let reloader: LuaFolderReloader<RuleSet>
    private let ruleTimer = Metrics.Timer(label: "selfheal_rule_duration_seconds")
    private let watch = InFlightWatch()
    let inline: InlinePassGate

    /// Loads and validates `directory`; throws `RuleLoadError` (naming file and line) or
    /// `LuaFolderError` when the initial set is unusable, since there is no last good set yet.
    /// `inlineCut`: the longest a pass called from an event loop may run there before it is cut
    /// and run on a Lua thread instead.
    public init(
        directory: String, limits: LuaLimits = .default, threadPool: NIOThreadPool = RulesEngine.luaThreads,
        inlineCut: Duration = .milliseconds(2), logger: Logger
    ) throws {
        self.inline = InlinePassGate(cut: inlineCut)
        self.directory = directory
        self.limits = limits
        self.logger = logger
        self.threadPool = threadPool
        self.pool = RuleStatePool(limits: limits, maxIdle: max(2, ProcessInfo.processInfo.activeProcessorCount))
        let snapshot = try LuaFolderSnapshot.read(directory: directory)
        let runtime = try RuleSetLoader.load(snapshot, limits: limits).get()
        pool.seed(runtime)
        reloader = LuaFolderReloader(kind: "rules", directory: directory, initial: runtime.set, logger: logger)
        logger.info("Rules loaded", metadata: [
            "rules.version": "\(snapshot.version)", "rules.count": "\(runtime.set.rules.count)", "rules.directory": "\(directory)",
        ])
    }

    /// The threads rules run on, shared by every engine of the process and by nothing else.
    /// More threads than cores on purpose: a rule that spends its whole bound (250 ms by
    /// default) holds one thread that long, and with only as many threads as cores two such
    /// evaluations would queue every other evaluation behind them. With spare threads the
    /// others run beside them, time-sliced by the kernel, and keep their usual latency; the
    /// pool of NIO's other blocking work is not touched either. Started once, never stopped,
    /// like NIO's own singletons.
    public static let luaThreads: NIOThreadPool = {
        let pool = NIOThreadPool(numberOfThreads: max(4, 2 * ProcessInfo.processInfo.activeProcessorCount + 2))
        pool.start()
        return pool
    }()

    /// The set new evaluations use.
    public var current: RuleSet { reloader.current }

    /// The reload state, and the evaluations in flight: one that has run longer than every
    /// rule's wall-clock bound together (plus a margin) is reported stuck.
    public var status: ReloadStatus {
        var status = reloader.status
        let set = current
        let allowed = limits.wallClock * max(1, set.rules.count) * 2 + .seconds(1)
        let (running, stuck) = watch.count(olderThan: allowed)
        status.inFlight = running
        status.stuck = stuck
        return status
    }

    public func score(_ context: RuleContext) async -> RuleSetScore {
        do {
            guard let loop = MultiThreadedEventLoopGroup.currentEventLoop else { return try await threadPool.runIfActive { self.scoreBlocking(context) } }
            if let score = scoreInline(context) { return score }
            // Back on the caller's event loop (the one its connection is on), not on any loop.
            return try await threadPool.runIfActive(eventLoop: loop) { self.scoreBlocking(context) }.get()
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

    /// Scores on the calling thread, an event loop, when `inline` allows it and an idle state is
    /// at hand; nil when it did not or the pass was cut short (the caller runs it on a Lua thread).
    func scoreInline(_ context: RuleContext) -> RuleSetScore? {
        let now = ContinuousClock.now
        guard inline.allows(at: now) else { return nil }
        let set = current
        guard let runtime = pool.checkOutIdle(for: set) else { return nil }
        guard let outcomes = evaluate(context, with: runtime, passDeadline: now + inline.cut) else {
            inline.cutShort()
            // Closing a state may free up to its memory cap: on a Lua thread, not this loop.
            threadPool.submit { _ in withExtendedLifetime(runtime) {} }
            logger.debug("A rules pass was too long for an event loop; passes run on the Lua threads for a while", metadata: [
                "rules.version": "\(set.version)", "rules.inline_cut": "\(inline.cut)",
            ])
            return nil
        }
        return Self.combine(outcomes.map(\.result), set: set)
    }

    /// Every applicable rule's outcome, with failures and timings, on `set`.
    func evaluate(_ context: RuleContext, on set: RuleSet) -> [RuleOutcome] {
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
        // Without a pass deadline no pass is cut short.
        return evaluate(context, with: runtime, passDeadline: nil) ?? []
    }

    /// One pass on `runtime`, which goes back to the pool after it; nil, and the state dropped
    /// (it stopped half-way through a rule), when `passDeadline` cut the pass short.
    private func evaluate(_ context: RuleContext, with runtime: RuleRuntime, passDeadline: ContinuousClock.Instant?) -> [RuleOutcome]? {
        let start = ContinuousClock.now
        let ticket = watch.begin(at: start)
        defer { watch.end(ticket) }
        guard let outcomes = runtime.evaluate(context, passDeadline: passDeadline) else { return nil }
        let elapsed = ContinuousClock.now - start
        ruleTimer.recordNanoseconds(elapsed.nanoseconds)
        inline.record(elapsed)
        pool.checkIn(runtime, live: current)
        for outcome in outcomes {
            if let bound = outcome.failure.flatMap(Self.bound) {
                Counter(label: "selfheal_rule_bound_hits_total", dimensions: [("rule", outcome.result.name), ("bound", bound)]).increment()
            }
        }
        return outcomes
    }

    /// The bound a failure hit, as `/metrics` names it; nil for other failures.
    static func bound(_ failure: LuaError) -> String? {
        switch failure.kind {
        case .budgetExceeded: "instructions"
        case .libraryStepsExceeded: "library_steps"
        case .memoryExceeded: "memory"
        case .timeLimitExceeded: "wall_clock"
        default: nil
        }
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
        reloader.reloadIfChanged { snapshot in
            RuleSetLoader.load(snapshot, limits: limits).map { runtime in
                // States for the new generation go into the pool before the set goes live.
                pool.seed(runtime)
                return runtime.set
            }.mapError { $0 as any Error }
        }
    }
}
