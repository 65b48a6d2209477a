import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Turns "run this command in that directory" into the command line that isolates it: util-linux's
/// `unshare` for the namespaces, then `SandboxJail` (run by `python3 -I -S`) for everything
/// that must happen between fork and exec, which Swift cannot do in the child itself.
struct SandboxLauncher: Sendable {
    let mode: SandboxIsolation.Mode
    /// The uids programs run as, one per slot; nil when selfheal is not root.
    let uids: UIDBlock?
    var switchesUser: Bool { uids != nil }
    /// What a namespaced run sees of the host.
    let filesystem: SandboxFilesystem
    /// Where each run's new root is mounted, inside its own mount namespace.
    let rootMountPoint: String
    private let tools: Tools

    struct Tools: Sendable {
        var unshare: String
        var python: String
    }

    /// The architecture whose seccomp filter the jail has, or nil.
    static var seccompArchitecture: String? {
        #if arch(x86_64)
        "x86_64"
        #else
        nil
        #endif
    }

    func uid(forSlot slot: Int) -> Int? { uids.map { $0.first + slot } }

    /// The uid of the compile-only checker of `slot`'s warm host: not a job's, so no job can
    /// signal it and no sweep of a job's uid takes it.
    func checkerUID(forSlot slot: Int, configuration: SandboxConfiguration) -> Int? {
        uids.map { $0.first + configuration.maxConcurrent + slot }
    }

    /// `python3 -I FILE` and `python3 -I -c CODE ...`: what the launcher's own interpreter
    /// (`python3 -I -S`) can run itself once the run is set up.
    static func runsInProcess(_ command: [String]) -> Bool {
        guard command.count >= 3, command[0] == "python3", command[1] == "-I" else { return false }
        return command[2] == "-c" ? command.count >= 4 : !command[2].hasPrefix("-")
    }

    /// The command line of a warm host for `slot` (`WarmHostProgram`): the namespaces and the
    /// view of a cold run, built once, with the host's loop where a run's command would be.
    /// Only with namespaces: a host relies on being pid 1 of a pid namespace of its own.
    /// `memoryBound`: the most its cgroups' memory limit may be set to for a job.
    func hostCommand(slot: Int, cgroup: RunCgroups.Run, memoryBound: Int, configuration: SandboxConfiguration) -> (executable: String, arguments: [String]) {
        let files = cgroup.memoryFiles
        return command(
            [], jobDirectory: nil, slot: slot, cgroupProcs: cgroup.procsFiles,
            hostMemory: ["memory_usage=\(files.usage)", "memory_limit=\(files.limit)", "memory_bound=\(memoryBound)"],
            configuration: configuration
        )
    }

    /// `cgroupProcs`: the `cgroup.procs` files of the run's cgroups, entered before anything
    /// runs. `jobDirectory` nil: a warm host's command line; `hostMemory`, its memory cgroup's
    /// files and bound, with which it sets each job's share (the run's limit).
    func command(
        _ command: [String], jobDirectory: String?, slot: Int, cgroupProcs: [String] = [], hostMemory: [String] = [],
        configuration c: SandboxConfiguration
    ) -> (executable: String, arguments: [String]) {
        let source = jobDirectory == nil ? SandboxJail.source + WarmHostProgram.source : SandboxJail.source
        var jail = [tools.python, "-I", "-S", "-c", source, jobDirectory.map { "job=\($0)" } ?? "host=1"] + cgroupProcs.map { "cgroup=\($0)" }
        jail += [
            "cpu=\(c.cpuSeconds)", "as=\(c.memoryBytes)", "nproc=\(c.maxProcesses)", "fsize=\(c.maxFileBytes)",
            "nofile=\(c.maxOpenFiles)", "core=0",
        ]
        if let uid = uid(forSlot: slot) { jail.append("uid=\(uid)") }
        if jobDirectory == nil {
            if !hostMemory.isEmpty { jail += hostMemory + ["run_memory=\(c.runMemoryBytes)"] }
            if let checker = checkerUID(forSlot: slot, configuration: c) { jail.append("checker_uid=\(checker)") }
        }
        if let architecture = Self.seccompArchitecture { jail.append("seccomp=\(architecture)") }
        if Self.runsInProcess(command) { jail.append("inprocess=1") }
        switch mode {
        case .namespaces, .userNamespaces:
            jail += ["mode=\(mode.rawValue)", "root=\(rootMountPoint)", "size=\(c.tmpfsBytes)"] + filesystem.jailArguments + ["--"] + command
            var unshare: [String] = []
            if mode == .userNamespaces { unshare += ["--user", "--map-root-user"] }
            unshare += ["--net", "--pid", "--mount", "--ipc", "--uts", "--fork", "--kill-child", "--"]
            return (tools.unshare, unshare + jail)
        case .rlimitsOnly:
            jail += ["mode=plain", "--"] + command
            return (tools.python, Array(jail.dropFirst()))
        }
    }

    /// The strongest isolation that works here, found by running `true` under it.
    static func probe(_ configuration: SandboxConfiguration, state: SandboxStateDirectory) -> SandboxLauncher {
        let tools = Tools(unshare: which("unshare") ?? "/usr/bin/unshare", python: which("python3") ?? "/usr/bin/python3")
        let filesystem = SandboxFilesystem.scan()
        let root = geteuid() == 0
        var uids: UIDBlock?
        if root {
            // One uid per slot for its jobs, and one per slot for its warm host's checker.
            let size = 2 * configuration.maxConcurrent
            uids = UIDBlock(base: configuration.baseUID, size: size, lockDirectory: configuration.uidLockDirectory)
                ?? UIDBlock(base: configuration.baseUID, size: size, lockDirectory: state.root)
                ?? UIDBlock(unclaimed: configuration.baseUID)
        }
        let fallback = SandboxLauncher(mode: .rlimitsOnly, uids: uids, filesystem: filesystem, rootMountPoint: state.rootMountPoint, tools: tools)
        guard configuration.isolation == .automatic else { return fallback }
        let candidate = SandboxLauncher(
            mode: root ? .namespaces : .userNamespaces, uids: uids, filesystem: filesystem, rootMountPoint: state.rootMountPoint, tools: tools
        )
        return candidate.works(configuration, in: state.runnerDirectory) ? candidate : fallback
    }

    private func works(_ configuration: SandboxConfiguration, in root: String) -> Bool {
        guard let directory = try? SandboxWorkDirectory(root: root, owner: uid(forSlot: 0)) else { return false }
        defer { directory.remove() }
        let (executable, arguments) = command(["true"], jobDirectory: directory.path, slot: 0, configuration: configuration)
        // Isolation that does not work here fails at once; a probe that only ran slowly (a
        // machine busy starting everything at once) must not cost the service its isolation
        // for its whole life, so it is given as long as a start may take.
        let child = ChildProcess(
            executable: executable, arguments: arguments, environment: configuration.environment,
            timeout: .seconds(30), outputCap: 4096
        )
        guard let outcome = try? child.run() else { return false }
        return outcome.termination == .exited(0)
    }

    private static func which(_ name: String) -> String? {
        for directory in ["/usr/bin", "/bin", "/usr/sbin", "/sbin", "/usr/local/bin"] where access("\(directory)/\(name)", X_OK) == 0 {
            return "\(directory)/\(name)"
        }
        return nil
    }

    /// `cgroups`: the per-run limits in effect ("v1: ..."), or "none: why".
    func describe(_ configuration: SandboxConfiguration, cgroups: String) -> SandboxIsolation {
        let uids = self.uids.map { "\($0.first)-\($0.first + configuration.maxConcurrent - 1)" }
        var parts: [String] = []
        let filesystem: String
        switch mode {
        case .namespaces, .userNamespaces:
            parts.append(mode == .namespaces ? "network + pid + mount namespaces" : "user + network + pid + mount namespaces")
            parts.append("a minimal read-only view of the host")
            filesystem = "minimal: " + self.filesystem.summary
        case .rlimitsOnly:
            filesystem = "host: every file the run's uid may read"
        }
        if let uids { parts.append("uid \(uids)") }
        if !cgroups.hasPrefix("none") { parts.append("per-run cgroup limits") }
        let seccomp = Self.seccompArchitecture != nil
            ? "refused: socket (all families; AF_UNIX socketpair allowed), namespaces (unshare, setns, clone flags), mount, pivot_root, chroot, io_uring, keyrings, bpf, perf_event_open, userfaultfd"
            : "none: no filter for this architecture"
        if Self.seccompArchitecture != nil { parts.append("seccomp") }
        parts.append("rlimits")
        var summary = parts.joined(separator: ", ")
        if mode == .rlimitsOnly {
            summary += Self.seccompArchitecture != nil ? " only: programs can read the host's files" : " only: programs can reach the network and read the host's files"
        }
        return SandboxIsolation(
            mode: mode, networkIsolated: mode != .rlimitsOnly, uids: mode == .userNamespaces ? nil : uids, cgroups: cgroups,
            filesystem: filesystem, seccomp: seccomp, summary: summary
        )
    }
}
