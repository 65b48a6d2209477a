import Foundation
public import Logging
import Metrics
import NIOCore
import NIOPosix
public import SelfHealCore

/// Runs generated code in a locked-down child process: a fresh directory, a scrubbed
/// environment, rlimits, a wall-clock timeout that kills the whole process tree and, where
/// the machine allows, no network, a pid namespace and a uid of its own (see `isolation`).
public final class SandboxRunner: CodeRunning {
    public let configuration: SandboxConfiguration
    /// What isolation is in effect on this machine, found when the runner was made.
    public let isolation: SandboxIsolation
    private let launcher: SandboxLauncher
    private let state: SandboxStateDirectory
    /// Per-run memory and process limits; nil where this machine gives none (see `isolation`).
    private let cgroups: RunCgroups?
    private let slots: SandboxSlots
    /// Warm hosts, one per slot; nil where this machine lacks what they rely on (see `init`)
    /// or they are turned off.
    let warm: WarmHosts?
    /// The threads blocking work runs on (spawn, poll, wait, a host starting), one per slot:
    /// only a slot's holder runs any, so none ever waits for a thread.
    private let threads: NIOThreadPool
    private let logger: Logger
    private let runs = RunCounters()

    /// `selfheal_sandbox_runs_total` by result, made once: a handle made per run is a lookup in
    /// the metrics registry under its lock.
    private struct RunCounters {
        let passed = Counter(label: "selfheal_sandbox_runs_total", dimensions: [("result", "passed")])
        let failed = Counter(label: "selfheal_sandbox_runs_total", dimensions: [("result", "failed")])
        let timedOut = Counter(label: "selfheal_sandbox_runs_total", dimensions: [("result", "timed_out")])
        let error = Counter(label: "selfheal_sandbox_runs_total", dimensions: [("result", "error")])
        let busy = Counter(label: "selfheal_sandbox_runs_total", dimensions: [("result", "busy")])
    }

    /// The warm hosts' state, for `/health` and `/metrics`; nil when there are none.
    public var warmHostStats: WarmHostStats? { warm?.stats }

    /// `isolation` with the warm hosts as they are now, for `/health`.
    public var status: SandboxIsolation {
        var status = isolation
        status.warmHosts = warm?.stats
        return status
    }

    /// Sandboxes running and jobs waiting for one, now.
    var occupancy: (running: Int, waiting: Int) { slots.occupancy }

    /// Starts a warm host for every slot (each slot taken in turn, so a job never waits on a
    /// host being started under it). Jobs that arrive first simply wait for their slot.
    public func warmUp() async {
        guard let warm else { return }
        // The hosts' sockets spread over NIO's loops, which serve the connections too: a job
        // from any of them finds a host on its own loop when one is free (`WarmHosts.rank`).
        let loops = Array(MultiThreadedEventLoopGroup.singleton.makeIterator())
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<slots.count {
                group.addTask {
                    guard let slot = try? await self.slots.acquire() else { return }
                    let loop = loops[slot % loops.count]
                    if case .failure(let error) = await self.blocking({ warm.prepare(slot: slot, on: loop) }) {
                        self.logger.warning("A warm sandbox host did not start; jobs run cold until one does", metadata: ["error": "\(error)"])
                    }
                    self.slots.release(slot)
                }
            }
        }
    }

    /// This runner's directory in the state directory, where its runs' directories are made.
    var runnerDirectory: String { state.runnerDirectory }

    /// The uid sandbox `slot` runs as; nil when selfheal is not root and cannot switch user.
    func uid(forSlot slot: Int) -> Int? { launcher.uid(forSlot: slot) }

    /// Claims a directory of its own in `configuration.stateDirectory` (removing what runners
    /// that died left there) and probes the machine once (a few tens of milliseconds) to find
    /// the isolation it allows. Throws when the state directory is not selfheal's alone.
    public init(configuration: SandboxConfiguration = SandboxConfiguration(), logger: Logger = Logger(label: "selfheal.sandbox")) throws(SandboxError) {
        self.configuration = configuration
        self.logger = logger
        state = try SandboxStateDirectory(root: configuration.stateDirectory)
        let cgroupState: String
        switch geteuid() == 0 ? RunCgroups.detect() : .failure(.init("selfheal is not root")) {
        case .success(let found):
            cgroups = found
            cgroupState = "\(found.version.rawValue): \(configuration.runMemoryBytes >> 20) MiB of memory and \(configuration.maxProcesses) processes per run"
        case .failure(let why):
            cgroups = nil
            cgroupState = "none: \(why.reason)"
            logger.warning("Sandbox runs get no per-run memory and process limits, only per-process rlimits", metadata: ["sandbox.cgroups": "\(why.reason)"])
        }
        launcher = SandboxLauncher.probe(configuration, state: state)
        if let first = launcher.uid(forSlot: 0) { state.recordUIDs(first: first, count: 2 * configuration.maxConcurrent) }
        // After the probe: this runner's own uids are claimed (and cleared) before it sweeps.
        var cgroupsSwept = 0
        let sweep = state.sweepAbandoned(uidLockDirectory: configuration.uidLockDirectory) { [cgroups] name in
            guard let cgroups else { return true }
            let (removed, left) = cgroups.sweep(prefix: "selfheal-\(name)-")
            cgroupsSwept += removed
            return left == 0
        }
        if sweep.runners > 0 {
            logger.warning("Removed what stopped sandbox runners left", metadata: [
                "sandbox.runners": "\(sweep.runners)", "sandbox.jobs": "\(sweep.jobs)", "sandbox.cgroups": "\(cgroupsSwept)",
                "sandbox.directory": "\(configuration.stateDirectory)",
            ])
        }
        if let orphans = cgroups?.sweepOrphans(), orphans > 0 {
            logger.notice("Removed empty cgroups that sandbox runners gone from this machine left", metadata: ["sandbox.cgroups": "\(orphans)"])
        }
        if !sweep.kept.isEmpty {
            logger.warning("Cgroups of stopped sandbox runners could not be removed yet; the next start tries again", metadata: [
                "sandbox.runners": "\(sweep.kept)", "sandbox.directory": "\(configuration.stateDirectory)",
            ])
        }
        isolation = launcher.describe(configuration, cgroups: cgroupState)
        slots = SandboxSlots(count: configuration.maxConcurrent, queueLength: configuration.queueLength)
        threads = NIOThreadPool(numberOfThreads: max(1, configuration.maxConcurrent))
        threads.start()
        // A warm host is pid 1 of its own pid namespace (its cleanup kills everything else in
        // it), switches each job to the slot's uid, and lives in cgroups that bound it with its
        // jobs: without all three, every job runs cold.
        if configuration.warmHosts, launcher.mode == .namespaces, launcher.switchesUser, let cgroups {
            warm = WarmHosts(
                launcher: launcher, cgroups: cgroups, configuration: configuration, cgroupPrefix: "selfheal-\(state.name)-", threads: threads
            )
        } else {
            warm = nil
        }
        logger.info("Sandbox ready", metadata: [
            "sandbox.isolation": "\(isolation.summary)", "sandbox.max_concurrent": "\(configuration.maxConcurrent)",
        ])
    }

    deinit {
        // Hosts first: the uids their processes run as are released with the launcher, and
        // another runner that claims them kills what still runs as them.
        warm?.stopAll()
        threads.shutdownGracefully { _ in }
    }

    /// The command set for `name`, the job's own (from the live rules) first.
    public func language(named name: String, overrides: [String: SandboxSettings.Language] = [:]) -> SandboxSettings.Language? {
        let key = name.lowercased()
        return overrides[key] ?? configuration.languages[key]
    }

    public func run(_ job: SandboxJob) async throws -> ExecResult {
        guard let language = language(named: job.language, overrides: job.languageOverrides) else {
            throw SandboxError.unsupportedLanguage(job.language)
        }
        var adjusted = job
        if adjusted.kind == .smoke && language.harness == nil { adjusted.kind = .syntax }  // a smoke run needs the harness
        let job = adjusted
        let base: [String]
        switch job.kind {
        case .tests, .smoke, .examples: base = language.run
        case .syntax:
            guard let check = language.check else { throw SandboxError.noCheckCommand(job.language) }
            base = check
        }
        guard !base.isEmpty else { throw SandboxError.unsupportedLanguage(job.language) }
        // Routes refuse such a name already; a job from anywhere else is held to the same rule.
        if job.kind != .syntax, let entryPoint = job.entryPoint, !EntryPoint.isValid(entryPoint) { throw SandboxError.invalidEntryPoint(entryPoint) }
        let slot: Int
        do {
            slot = try await slots.acquire(rank: job.warmHost ? warm?.rank(for: MultiThreadedEventLoopGroup.currentEventLoop) ?? [] : [])
        } catch {
            runs.busy.increment()
            throw error
        }
        defer { slots.release(slot) }
        let timeout = job.timeoutSeconds.map { Duration.milliseconds(Int64(max(0.1, $0) * 1000)) } ?? configuration.timeout
        let nonce = PythonHarness.nonce()
        let (files, main, arguments, harness) = job.files(for: language, nonce: nonce)
        // A compile-only check runs the language's check command on the program alone.
        let command = job.kind == .syntax ? base + [main] : base + [main] + arguments
        let result: Result<ExecResult, SandboxError>
        if job.warmHost, let warm, SandboxLauncher.runsInProcess(command),
           let exec = await runWarm(
               job, on: warm, command: command, files: files, main: main, harness: harness, language: language, nonce: nonce,
               slot: slot, timeout: timeout
           ) {
            result = .success(exec)
        } else {
            result = await blocking {
                Result { () throws(SandboxError) in
                    try self.runCold(job, command: command, files: files, language: language, nonce: nonce, slot: slot, timeout: timeout)
                }
            }
        }
        switch result {
        case .success(let exec):
            (exec.timedOut ? runs.timedOut : exec.passed ? runs.passed : runs.failed).increment()
            return exec
        case .failure(let error):
            runs.error.increment()
            logger.error("Sandbox could not run a job", metadata: ["error": "\(error)"])
            throw error
        }
    }

    /// Runs blocking work on the runner's own threads, never on an event loop or Swift's pool.
    /// A thread that waits on a condition costs less per handoff than Dispatch's global queue,
    /// whose manager thread wakes for its pool's bookkeeping too (`bench overhead`).
    private func blocking<T: Sendable>(_ body: @escaping @Sendable () -> Result<T, SandboxError>) async -> Result<T, SandboxError> {
        do {
            // Back on the caller's event loop (the one its connection is on), not on any loop.
            guard let loop = MultiThreadedEventLoopGroup.currentEventLoop else { return try await threads.runIfActive(body) }
            return try await threads.runIfActive(eventLoop: loop, body).get()
        } catch {
            return .failure(.launchFailed("the sandbox is shutting down"))
        }
    }

    /// A run forked from `slot`'s warm host, written and read on the caller's event loop; nil
    /// when the host failed to start, died or hung (it has been replaced): the job then runs cold.
    private func runWarm(
        _ job: SandboxJob, on warm: WarmHosts, command: [String], files: [(name: String, contents: String)], main: String,
        harness: PythonHarness.Program?, language: SandboxSettings.Language, nonce: String, slot: Int, timeout: Duration
    ) async -> ExecResult? {
        var environment = configuration.environment
        environment["HOME"] = "/tmp/job"
        environment["TMPDIR"] = "/tmp/job"
        let request = WarmHost.Request(
            command: command, files: files, trusted: harness.flatMap { job.kind != .syntax ? (main, $0.rawValue) : nil },
            compileOnly: job.kind == .syntax && language.check == SandboxSettings.Language.python.check,
            staticSmokeEntry: job.kind == .smoke && harness != nil ? job.entryPoint ?? "" : nil,
            environment: environment, timeout: timeout, outputCap: configuration.outputCap
        )
        guard let (outcome, memoryExceeded, checker) = await warm.run(slot: slot, request) else {
            logger.warning("A warm sandbox host could not run a job; it runs cold", metadata: ["sandbox.slot": "\(slot)"])
            return nil
        }
        return result(
            outcome, job: job, language: language, nonce: nonce, timeout: timeout, memoryExceeded: memoryExceeded,
            provenByChecker: checker && job.kind == .smoke
        )
    }

    /// A run in a fresh interpreter of its own: a job directory on disk, cgroups made for it.
    private func runCold(
        _ job: SandboxJob, command: [String], files: [(name: String, contents: String)], language: SandboxSettings.Language,
        nonce: String, slot: Int, timeout: Duration
    ) throws(SandboxError) -> ExecResult {
        let uid = launcher.uid(forSlot: slot)
        let directory = try SandboxWorkDirectory(root: state.runnerDirectory, owner: uid)
        let cgroup: RunCgroups.Run?
        do {
            cgroup = try cgroups?.makeRun(
                named: "selfheal-\(state.name)-\(directory.name)", memoryBytes: configuration.runMemoryBytes, maxProcesses: configuration.maxProcesses
            )
        } catch {
            directory.remove()
            throw error
        }
        defer {
            // Nothing of the run may outlive it: processes first (they could still write), then
            // the files. The run's cgroup holds every process it started (the launcher joined it
            // before anything ran, and only root may move a process out), so emptying it is
            // enough; the sweep of the uid over all of /proc is for runs without one.
            let emptied = cgroup?.destroy() ?? false
            if let cgroup, !emptied {
                logger.error("A run's cgroup could not be removed", metadata: ["sandbox.cgroups": "\(cgroup.directories)"])
            }
            if !emptied, let uid {
                let survivors = ProcessSweep.killAll(ofUID: uid)
                if !survivors.isEmpty {
                    logger.error("Sandbox processes survived cleanup", metadata: ["sandbox.uid": "\(uid)", "sandbox.pids": "\(survivors)"])
                }
            }
            directory.remove()
        }
        for file in files {
            try directory.write(file.name, contents: file.contents)
        }
        let (executable, arguments) = launcher.command(
            command, jobDirectory: directory.path, slot: slot, cgroupProcs: cgroup?.procsFiles ?? [], configuration: configuration
        )
        var environment = configuration.environment
        environment["HOME"] = launcher.mode == .rlimitsOnly ? directory.path : "/tmp/job"
        environment["TMPDIR"] = environment["HOME"]
        let child = ChildProcess(
            executable: executable, arguments: arguments, environment: environment,
            timeout: timeout, outputCap: configuration.outputCap
        )
        let outcome = try child.run()
        return result(outcome, job: job, language: language, nonce: nonce, timeout: timeout, memoryExceeded: (cgroup?.oomKills ?? 0) > 0)
    }

    private func result(
        _ outcome: ChildProcess.Outcome, job: SandboxJob, language: SandboxSettings.Language, nonce: String, timeout: Duration,
        memoryExceeded: Bool, provenByChecker: Bool = false
    ) -> ExecResult {
        // Under a harness, exit status 0 is not enough: the tests (or the smoke run's import)
        // must have written their record, or, for a smoke run, the host's checker found that
        // importing the answer can only bind names (nothing of it ran, so there is no record).
        let proven: Bool? = job.kind != .syntax && language.harness != nil
            ? provenByChecker || PythonHarness.completed(stdout: outcome.stdoutTail, nonce: nonce) : nil
        var kind = job.kind
        if kind == .smoke && language.harness != nil && PythonHarness.ranExamples(stdout: outcome.stdoutTail, nonce: nonce) {
            kind = .examples
        }
        return ExecResultBuilder.make(
            outcome, kind: kind, timeout: timeout, cpuSeconds: configuration.cpuSeconds, completed: proven,
            memoryExceeded: memoryExceeded ? configuration.runMemoryBytes : nil
        )
    }
}
