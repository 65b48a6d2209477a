public import Foundation
public import SelfHealCore

/// The limits and commands a `SandboxRunner` enforces. The limits are the process's own:
/// only the language commands and the timeout can be changed from `rules/scoring.lua`.
public struct SandboxConfiguration: Sendable {
    /// Which isolation to use; `.automatic` takes the strongest the machine allows.
    public enum IsolationChoice: Sendable, Equatable {
        case automatic
        /// Own process group and rlimits only (for tests of the fallback, or hosts where
        /// namespaces misbehave).
        case rlimitsOnly
    }

    /// Built-in language commands; a job's overrides (from the live rules) replace entries.
    public var languages: [String: SandboxSettings.Language]
    /// Wall clock per run; the whole process tree is killed when it runs out.
    public var timeout: Duration
    /// RLIMIT_CPU.
    public var cpuSeconds: Int
    /// RLIMIT_AS, bytes of address space of one process.
    public var memoryBytes: Int
    /// Memory of a whole run, every process it forks together (a cgroup's memory limit),
    /// where cgroups are available.
    public var runMemoryBytes: Int
    /// RLIMIT_NPROC, counted per user: with a uid of its own each sandbox gets the whole
    /// budget. Also the run's cgroup `pids.max`, where cgroups are available.
    public var maxProcesses: Int
    /// RLIMIT_FSIZE, bytes per file written.
    public var maxFileBytes: Int
    /// RLIMIT_NOFILE.
    public var maxOpenFiles: Int
    /// Size of each tmpfs (`/tmp`, `/var/tmp`, `/dev/shm`) a namespaced sandbox sees.
    public var tmpfsBytes: Int
    /// Bytes of stdout and of stderr kept; the rest is read and dropped so the child never blocks.
    public var outputCap: Int
    /// Sandboxes running at once.
    public var maxConcurrent: Int
    /// Jobs waiting for a sandbox; one more gets `SandboxError.busy`.
    public var queueLength: Int
    /// When running as root, sandbox `n` runs as uid and gid `first + n`, where `first` is
    /// `baseUID` or the start of the next block of `maxConcurrent` uids no other selfheal
    /// process holds: a user of its own bounds RLIMIT_NPROC per sandbox and lets cleanup kill
    /// exactly that sandbox's processes.
    public var baseUID: Int
    /// Where uid blocks are claimed: lock files shared by every selfheal process on the host,
    /// in a directory only selfheal's user may write.
    public var uidLockDirectory: String
    /// selfheal's own directory for runs: one directory per runner process, the runs'
    /// directories inside it. Only selfheal's user may write it; a runner starting up removes
    /// what runners that died left there.
    public var stateDirectory: String
    /// The only environment a program sees.
    public var environment: [String: String]
    public var isolation: IsolationChoice
    /// Run Python jobs in warm hosts (`WarmHosts`) where the machine gives the full isolation
    /// they rely on (root, namespaces, cgroups); off, every job starts its own interpreter.
    public var warmHosts: Bool
    /// Jobs one warm host serves before it is replaced.
    public var warmJobsPerHost: Int

    public init(
        languages: [String: SandboxSettings.Language] = ["python": .python],
        timeout: Duration = .seconds(10),
        cpuSeconds: Int = 10,
        memoryBytes: Int = 512 << 20,
        runMemoryBytes: Int = 768 << 20,
        maxProcesses: Int = 64,
        maxFileBytes: Int = 16 << 20,
        maxOpenFiles: Int = 64,
        tmpfsBytes: Int = 16 << 20,
        outputCap: Int = 64 << 10,
        maxConcurrent: Int = ProcessInfo.processInfo.activeProcessorCount,
        queueLength: Int? = nil,
        baseUID: Int = 64_000,
        uidLockDirectory: String? = nil,
        stateDirectory: String? = nil,
        environment: [String: String] = [
            "PATH": "/usr/local/bin:/usr/bin:/bin", "LANG": "C.UTF-8", "PYTHONDONTWRITEBYTECODE": "1",
            "PYTHONHASHSEED": "0",
        ],
        isolation: IsolationChoice = .automatic,
        warmHosts: Bool = true,
        warmJobsPerHost: Int = 1000
    ) {
        self.languages = languages
        self.timeout = timeout
        self.cpuSeconds = cpuSeconds
        self.memoryBytes = memoryBytes
        self.runMemoryBytes = runMemoryBytes
        self.maxProcesses = maxProcesses
        self.maxFileBytes = maxFileBytes
        self.maxOpenFiles = maxOpenFiles
        self.tmpfsBytes = tmpfsBytes
        self.outputCap = outputCap
        self.maxConcurrent = max(1, maxConcurrent)
        self.queueLength = max(0, queueLength ?? 4 * max(1, maxConcurrent))
        self.baseUID = baseUID
        self.stateDirectory = stateDirectory ?? SandboxStateDirectory.defaultRoot
        self.uidLockDirectory = uidLockDirectory ?? "\(SandboxStateDirectory.defaultRoot)/uid-locks"
        self.environment = environment
        self.isolation = isolation
        self.warmHosts = warmHosts
        self.warmJobsPerHost = warmJobsPerHost
    }
}
