import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Turns "run this command in that directory" into the command line that isolates it, with
/// util-linux's `unshare`, `setpriv` and `prlimit` (Essential on Debian): rlimits must be set
/// between fork and exec, which Swift cannot do in the child itself.
struct SandboxLauncher: Sendable {
    let mode: SandboxIsolation.Mode
    /// The uids programs run as, one per slot; nil when selfheal is not root.
    let uids: UIDBlock?
    var switchesUser: Bool { uids != nil }
    private let tools: Tools

    struct Tools: Sendable {
        var unshare: String
        var setpriv: String
        var prlimit: String
        var shell: String
    }

    /// Inside fresh mount namespaces: the job directory moves to /tmp/job and /tmp, /var/tmp
    /// and /dev/shm become small private tmpfs, so whatever a program writes outside its
    /// directory vanishes with it and cannot fill the host's disk. /var/tmp serves as the
    /// parking place for the bind mount while /tmp is replaced. `-n`: in a user namespace,
    /// mount(8) fails after a successful move when it tries to record it in its utab.
    /// First of all, the shell moves itself into the run's cgroups (`0`: the writer), so
    /// that every process of the run is counted against their limits.
    static let mountScript = """
        set -e
        job=$1; size=$2; cgroups=$3; shift 3
        while [ "$cgroups" -gt 0 ]; do echo 0 > "$1"; shift; cgroups=$((cgroups - 1)); done
        mount -n --bind "$job" /var/tmp
        mount -n -t tmpfs -o "size=$size,mode=1777,nosuid,nodev" tmpfs /tmp
        mkdir /tmp/job
        mount -n --move /var/tmp /tmp/job
        mount -n -t tmpfs -o "size=$size,mode=1777,nosuid,nodev" tmpfs /var/tmp
        if [ -d /dev/shm ]; then mount -n -t tmpfs -o "size=$size,mode=1777,nosuid,nodev" tmpfs /dev/shm; fi
        cd /tmp/job
        # cd exports the server's working directory as OLDPWD: the program sees only its own environment.
        unset OLDPWD PWD
        exec "$@"
        """

    func uid(forSlot slot: Int) -> Int? { uids.map { $0.first + slot } }

    /// Without namespaces: enter the run's cgroups and the job directory, then run the rest.
    static let enterScript = #"""
        set -e
        cd "$1"; cgroups=$2; shift 2
        while [ "$cgroups" -gt 0 ]; do echo 0 > "$1"; shift; cgroups=$((cgroups - 1)); done
        unset OLDPWD PWD; exec "$@"
        """#

    /// The full command for `command`, whose last element is the program file, relative to
    /// the job directory.
    /// `cgroupProcs`: the `cgroup.procs` files of the run's cgroups, entered before anything runs.
    func command(
        _ command: [String], jobDirectory: String, slot: Int, cgroupProcs: [String] = [], configuration c: SandboxConfiguration
    ) -> (executable: String, arguments: [String]) {
        let cgroups = ["\(cgroupProcs.count)"] + cgroupProcs
        var inner: [String] = []
        if switchesUser {
            let uid = uid(forSlot: slot)!
            inner += [tools.setpriv, "--reuid=\(uid)", "--regid=\(uid)", "--clear-groups", "--no-new-privs", "--"]
        }
        inner += [
            tools.prlimit, "--cpu=\(c.cpuSeconds)", "--as=\(c.memoryBytes)", "--nproc=\(c.maxProcesses)",
            "--fsize=\(c.maxFileBytes)", "--nofile=\(c.maxOpenFiles)", "--core=0", "--",
        ] + command
        switch mode {
        case .namespaces, .userNamespaces:
            var unshare = [tools.unshare]
            if mode == .userNamespaces { unshare += ["--user", "--map-root-user"] }
            unshare += ["--net", "--pid", "--mount", "--ipc", "--uts", "--fork", "--kill-child", "--mount-proc", "--"]
            let arguments = Array(unshare.dropFirst()) + [tools.shell, "-c", Self.mountScript, "sh", jobDirectory, "\(c.tmpfsBytes)"] + cgroups + inner
            return (tools.unshare, arguments)
        case .rlimitsOnly:
            return (tools.shell, ["-c", Self.enterScript, "sh", jobDirectory] + cgroups + inner)
        }
    }

    /// The strongest isolation that works here, found by running `true` under it.
    static func probe(_ configuration: SandboxConfiguration, state: SandboxStateDirectory) -> SandboxLauncher {
        let tools = Tools(
            unshare: which("unshare") ?? "/usr/bin/unshare", setpriv: which("setpriv") ?? "/usr/bin/setpriv",
            prlimit: which("prlimit") ?? "/usr/bin/prlimit", shell: which("sh") ?? "/bin/sh"
        )
        let root = geteuid() == 0
        var uids: UIDBlock?
        if root {
            uids = UIDBlock(base: configuration.baseUID, size: configuration.maxConcurrent, lockDirectory: configuration.uidLockDirectory)
                ?? UIDBlock(base: configuration.baseUID, size: configuration.maxConcurrent, lockDirectory: state.root)
                ?? UIDBlock(unclaimed: configuration.baseUID)
        }
        let fallback = SandboxLauncher(mode: .rlimitsOnly, uids: uids, tools: tools)
        guard configuration.isolation == .automatic else { return fallback }
        let candidate = SandboxLauncher(mode: root ? .namespaces : .userNamespaces, uids: uids, tools: tools)
        return candidate.works(configuration, in: state.runnerDirectory) ? candidate : fallback
    }

    private func works(_ configuration: SandboxConfiguration, in root: String) -> Bool {
        guard let directory = try? SandboxWorkDirectory(root: root, owner: uid(forSlot: 0)) else { return false }
        defer { directory.remove() }
        let (executable, arguments) = command(["true"], jobDirectory: directory.path, slot: 0, configuration: configuration)
        let child = ChildProcess(
            executable: executable, arguments: arguments, environment: configuration.environment,
            timeout: .seconds(5), outputCap: 4096
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
        let user = uids.map { "uid \($0), " } ?? ""
        let perRun = cgroups.hasPrefix("none") ? "" : "per-run cgroup limits, "
        switch mode {
        case .namespaces:
            return SandboxIsolation(mode: mode, networkIsolated: true, uids: uids, cgroups: cgroups,
                                    summary: "network + pid + mount namespaces, private tmpfs, \(user)\(perRun)rlimits")
        case .userNamespaces:
            return SandboxIsolation(mode: mode, networkIsolated: true, uids: nil, cgroups: cgroups,
                                    summary: "user + network + pid + mount namespaces, private tmpfs, \(perRun)rlimits")
        case .rlimitsOnly:
            return SandboxIsolation(mode: mode, networkIsolated: false, uids: uids, cgroups: cgroups,
                                    summary: "\(user)\(perRun)rlimits only: programs can reach the network")
        }
    }
}
