/// The isolation a runner actually has on this machine, for `/health` and the logs.
public struct SandboxIsolation: Codable, Sendable, Equatable {
    public enum Mode: String, Codable, Sendable {
        /// As root: network, pid, mount and IPC namespaces, a uid of its own, rlimits.
        case namespaces
        /// Not root, but user namespaces are allowed: the same namespaces, no uid change.
        case userNamespaces = "user_namespaces"
        /// Own process group and rlimits; the program can reach the network and sees the
        /// service user's files.
        case rlimitsOnly = "rlimits_only"
    }

    public var mode: Mode
    /// No network interface but loopback (a fresh network namespace).
    public var networkIsolated: Bool
    /// The uid range programs run as, when selfheal switches user.
    public var uids: String?
    /// Per-run limits on memory and processes: "v2" or "v1" with the limits, or "none: why"
    /// (then only the per-process rlimits hold).
    public var cgroups: String
    /// What a run sees of the host's files: "minimal: ..." or "host: ..." without namespaces.
    public var filesystem: String
    /// The system calls a run is refused, or "none: why".
    public var seccomp: String
    /// One line for people, e.g. "network + pid + mount namespaces, uid 64000-64001, rlimits".
    public var summary: String
    /// The warm hosts now (absent where jobs always run cold).
    public var warmHosts: WarmHostStats?

    public init(
        mode: Mode, networkIsolated: Bool, uids: String?, cgroups: String = "none", filesystem: String = "host", seccomp: String = "none",
        summary: String
    ) {
        self.mode = mode
        self.networkIsolated = networkIsolated
        self.uids = uids
        self.cgroups = cgroups
        self.filesystem = filesystem
        self.seccomp = seccomp
        self.summary = summary
    }

    enum CodingKeys: String, CodingKey {
        case mode, uids, summary, cgroups, filesystem, seccomp
        case warmHosts = "warm_hosts"
        case networkIsolated = "network_isolated"
    }
}
