import Metrics
import NIOCore
import NIOPosix
import SelfHealCore
import Synchronization

/// What `/health` and `/metrics` show.
public struct WarmHostStats: Codable, Sendable, Equatable {
    /// Hosts started and ready.
    public var warm: Int
    /// Hosts running a job now.
    public var busy: Int
    /// Hosts replaced (died, misbehaved, or served their share of jobs), since start.
    public var restarted: Int
    /// Jobs each ready host has served, by slot.
    public var jobsPerHost: [Int]
    /// Jobs run warm, and jobs a host could not finish (they ran cold), since start.
    public var jobs: Int
    public var fellBack: Int
    /// Compile-only checks and smoke runs a host's checker answered without a fork.
    public var checkedWithoutFork: Int

    enum CodingKeys: String, CodingKey {
        case warm, busy, restarted, jobs
        case jobsPerHost = "jobs_per_host"
        case fellBack = "fell_back"
        case checkedWithoutFork = "checked_without_fork"
    }
}

/// A runner's warm hosts, one per slot: started with the runner (`warmUp`) or on first use,
/// replaced when one dies, misbehaves (does not answer, a job of it hit the memory limit) or
/// has served `jobsPerHost` jobs. Only the holder of a slot touches that slot's host; the lock
/// guards the table and the counters `/health` reads.
final class WarmHosts: Sendable {
    private struct State {
        var hosts: [WarmHost?]
        var busy: Set<Int> = []
        var restarted = 0
        var jobs = 0
        var fellBack = 0
        var checkedWithoutFork = 0
        var generation = 0
    }

    private let state: Mutex<State>
    private let launcher: SandboxLauncher
    private let cgroups: RunCgroups
    private let configuration: SandboxConfiguration
    /// Prefix of the hosts' cgroup names: the runner's, so a later runner's sweep finds them.
    private let cgroupPrefix: String
    let jobsPerHost: Int
    private let gauges: Gauges
    /// The runner's threads, for what blocks: starting and stopping hosts.
    private let threads: NIOThreadPool

    /// The `/metrics` handles, made once: `publish` runs after every job, and a handle made
    /// there is a lookup in the metrics registry under its lock, six or more per job.
    private struct Gauges {
        let warm = Gauge(label: "selfheal_sandbox_warm_hosts", dimensions: [("state", "warm")])
        let busy = Gauge(label: "selfheal_sandbox_warm_hosts", dimensions: [("state", "busy")])
        let restarts = Gauge(label: "selfheal_sandbox_warm_host_restarts")
        let jobs = Gauge(label: "selfheal_sandbox_warm_jobs", dimensions: [("path", "warm")])
        let fellBack = Gauge(label: "selfheal_sandbox_warm_jobs", dimensions: [("path", "fell_back_to_cold")])
        let jobsPerSlot: [Gauge]

        init(slots: Int) {
            jobsPerSlot = (0..<slots).map { Gauge(label: "selfheal_sandbox_warm_host_jobs", dimensions: [("slot", "\($0)")]) }
        }
    }

    init(launcher: SandboxLauncher, cgroups: RunCgroups, configuration: SandboxConfiguration, cgroupPrefix: String, threads: NIOThreadPool) {
        self.threads = threads
        self.launcher = launcher
        self.cgroups = cgroups
        self.configuration = configuration
        self.cgroupPrefix = cgroupPrefix
        jobsPerHost = max(1, configuration.warmJobsPerHost)
        gauges = Gauges(slots: configuration.maxConcurrent)
        state = Mutex(State(hosts: Array(repeating: nil, count: configuration.maxConcurrent)))
    }

    deinit { stopAll() }

    /// Stops every host (the runner is going away).
    func stopAll() {
        let hosts = state.withLock { state in
            defer { state.hosts = Array(repeating: nil, count: state.hosts.count) }
            return state.hosts
        }
        for host in hosts { host?.stop() }
    }

    var stats: WarmHostStats { state.withLock { Self.stats(of: $0) } }

    private static func stats(of state: State) -> WarmHostStats {
        let ready = state.hosts.map { $0.map { $0.alive ? $0.jobs : -1 } ?? -1 }
        return WarmHostStats(
            warm: ready.filter { $0 >= 0 }.count, busy: state.busy.count, restarted: state.restarted,
            jobsPerHost: ready.map { max(0, $0) }, jobs: state.jobs, fellBack: state.fellBack,
            checkedWithoutFork: state.checkedWithoutFork
        )
    }

    /// `/metrics`: hosts warm and busy, replacements, jobs run warm or fallen back to cold, and
    /// jobs per host by slot.
    private func publish() {
        let stats = self.stats
        gauges.warm.record(stats.warm)
        gauges.busy.record(stats.busy)
        gauges.restarts.record(stats.restarted)
        gauges.jobs.record(stats.jobs)
        gauges.fellBack.record(stats.fellBack)
        for (gauge, jobs) in zip(gauges.jobsPerSlot, stats.jobsPerHost) {
            gauge.record(jobs)
        }
    }

    /// `/metrics` after a job ran to its outcome: only what a job changes (busy hosts, warm
    /// jobs, the slot's count), with no arrays made (this runs for every job).
    private func publishJob(slot: Int) {
        let (busy, jobs, slotJobs) = state.withLock { state in
            (state.busy.count, state.jobs, state.hosts[slot].map { $0.alive ? $0.jobs : 0 } ?? 0)
        }
        gauges.busy.record(busy)
        gauges.jobs.record(jobs)
        if gauges.jobsPerSlot.indices.contains(slot) { gauges.jobsPerSlot[slot].record(slotJobs) }
    }

    /// Makes sure `slot` has a live host, started on `loop` if it has none (the caller holds
    /// the slot). Blocks while a host starts: call it from a thread.
    @discardableResult
    func prepare(slot: Int, on loop: any EventLoop) -> Result<WarmHost, SandboxError> {
        let current = state.withLock { $0.hosts[slot] }
        if let current, current.alive, current.jobs < jobsPerHost { return .success(current) }
        return replace(slot: slot, on: loop)
    }

    /// Stops `slot`'s host if it has one, and starts a new one whose socket is on `loop`.
    /// Blocks: call it from a thread.
    private func replace(slot: Int, on loop: any EventLoop) -> Result<WarmHost, SandboxError> {
        let (current, generation) = state.withLock { state -> (WarmHost?, Int) in
            state.generation += 1
            return (state.hosts[slot], state.generation)
        }
        current?.stop()
        do throws(SandboxError) {
            // The host, its forker and its checker (about 15 MiB) live in the cgroups beside
            // each job, and count among its processes: the job keeps the run's number. This is
            // the outer memory bound: the host narrows the limit to its own use plus the run's
            // before each job.
            let memoryBound = configuration.runMemoryBytes + (32 << 20)
            let cgroup = try cgroups.makeRun(
                named: "\(cgroupPrefix)host\(slot)-\(generation)", memoryBytes: memoryBound, maxProcesses: configuration.maxProcesses + 3
            )
            let (executable, arguments) = launcher.hostCommand(slot: slot, cgroup: cgroup, memoryBound: memoryBound, configuration: configuration)
            let host: WarmHost
            do {
                host = try WarmHost.start(
                    executable: executable, arguments: arguments, environment: configuration.environment, cgroup: cgroup, on: loop
                )
            } catch {
                cgroup.destroy()
                throw error
            }
            state.withLock { state in
                if current != nil { state.restarted += 1 }
                state.hosts[slot] = host
            }
            publish()
            return .success(host)
        } catch {
            state.withLock { $0.hosts[slot] = nil }
            publish()
            return .failure(error)
        }
    }

    /// `slot`'s host, cleared up after its last job; or a new one, started on a thread with its
    /// socket on the caller's loop, when it has none, has died, misbehaved or served its share.
    private func ready(slot: Int) async -> WarmHost? {
        let current = state.withLock { $0.hosts[slot] }
        if let current, current.alive, current.jobs < jobsPerHost, case .success = await current.settle() { return current }
        let loop = MultiThreadedEventLoopGroup.currentEventLoop ?? MultiThreadedEventLoopGroup.singleton.next()
        guard case .success(let host)? = await blocking({ self.replace(slot: slot, on: loop) }) else { return nil }
        return host
    }

    /// Each slot's rank for a job from `loop` (lower first, `SandboxSlots.acquire`): a host that
    /// is on that loop and has cleared up runs the job with no thread woken but the host; one
    /// on another loop wakes that loop and this one again; one still clearing up keeps the job
    /// waiting. A slot with no host comes last: starting one takes milliseconds.
    func rank(for loop: (any EventLoop)?) -> [Int] {
        state.withLock { state in
            state.hosts.map { host in
                guard let host, host.alive else { return 4 }
                let here = loop != nil && host.eventLoop === loop
                switch (host.readyHint, here) {
                case (true, true): return 0
                case (true, false): return 1
                case (false, true): return 2
                case (false, false): return 3
                }
            }
        }
    }

    /// Runs one job on `slot`'s host (the caller holds the slot). nil: no host could run it to
    /// an outcome (it failed to start, died or hung, and has been stopped): run it cold.
    /// `memoryExceeded`: the kernel killed a process of the job for the cgroup's memory limit;
    /// `checker`: the host's checker answered it without a fork. The job itself is written and
    /// its answer read on the host's event loop; only starting and stopping a host take a thread.
    func run(slot: Int, _ request: WarmHost.Request) async -> (outcome: ChildProcess.Outcome, memoryExceeded: Bool, checker: Bool)? {
        guard let host = await ready(slot: slot) else {
            state.withLock { $0.fellBack += 1 }
            publish()
            return nil
        }
        state.withLock { _ = $0.busy.insert(slot) }
        let result = await host.run(request)
        let oomKilled = host.oomKilledSinceLastLook()
        // A host that failed a job is gone or not to be trusted; one whose job ran into the
        // memory limit may have lost pages of its own: either is replaced.
        let stopped = oomKilled || (try? result.get()) == nil
        if stopped {
            _ = await blocking { host.stop() }
        }
        defer { stopped ? publish() : publishJob(slot: slot) }
        return state.withLock { state in
            state.busy.remove(slot)
            switch result {
            case .success(let (outcome, checker)):
                state.jobs += 1
                if checker { state.checkedWithoutFork += 1 }
                return (outcome, oomKilled, checker)
            case .failure:
                state.fellBack += 1
                return nil
            }
        }
    }

    /// Runs `body` on the runner's threads (starting and stopping a host block); nil when they
    /// have been shut down (the runner is going away, and `stopAll` stops what is left): never
    /// on this thread, which is an event loop.
    private func blocking<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T? {
        // Back on the caller's event loop (the one its connection is on), not on any loop.
        guard let loop = MultiThreadedEventLoopGroup.currentEventLoop else { return try? await threads.runIfActive(body) }
        return try? await threads.runIfActive(eventLoop: loop, body).get()
    }
}
