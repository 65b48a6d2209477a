import Foundation
import SelfHealCore
#if canImport(Glibc)
import Glibc
#endif

/// Memory and process limits per run, not per process: each run gets cgroups of its own,
/// removed after it. RLIMIT_AS caps one process; a run that forks twelve children of 400 MiB
/// has twelve such caps. cgroup v2 where its memory and pids controllers are available (the
/// runner then moves its own process into a leaf, `selfheal-service`, because v2 lets only
/// leaves hold processes); otherwise v1's memory and pids hierarchies.
struct RunCgroups: Sendable {
    enum Version: String, Sendable {
        case v2
        case v1
    }

    let version: Version
    /// Where run cgroups are made: one directory for v2, the memory and the pids one for v1.
    let parents: [String]

    /// The `oom_kill` count in the text of a memory cgroup's `oomEventsFile`; 0 when there is
    /// none or it is not a whole number that fits.
    static func oomKills(in text: String) -> Int {
        var text = text
        return text.withUTF8(oomKills(in:))
    }

    /// The same, read from the open file at `descriptor` into a buffer on the stack (it is read
    /// twice after every warm job); nil when it cannot be read.
    static func oomKills(descriptor: Int32) -> Int? {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 4096) { buffer -> Int? in
            var count = 0
            repeat { count = pread(descriptor, buffer.baseAddress, buffer.count, 0) } while count < 0 && errno == EINTR
            guard count >= 0 else { return nil }
            return oomKills(in: UnsafeBufferPointer(rebasing: buffer[..<count]))
        }
    }

    private static func oomKills(in bytes: UnsafeBufferPointer<UInt8>) -> Int {
        for line in bytes.split(separator: UInt8(ascii: "\n")) where line.starts(with: oomKillKey) {
            // A count of up to 15 digits is a small string: no allocation.
            return Int(String(decoding: line.dropFirst(oomKillKey.count), as: UTF8.self)) ?? 0
        }
        return 0
    }

    private static let oomKillKey = Array("oom_kill ".utf8)

    /// The cgroups one run is in.
    struct Run: Sendable {
        let version: Version
        let directories: [String]

        /// The `cgroup.procs` files a run's first process writes itself into.
        var procsFiles: [String] { directories.map { "\($0)/cgroup.procs" } }

        /// The memory cgroup's usage and limit files (a warm host narrows the limit per job).
        var memoryFiles: (usage: String, limit: String) {
            let memory = directories[0]  // v1: the memory hierarchy's comes first, as `parents`
            switch version {
            case .v2: return ("\(memory)/memory.current", "\(memory)/memory.max")
            case .v1: return ("\(memory)/memory.usage_in_bytes", "\(memory)/memory.limit_in_bytes")
            }
        }

        /// The memory cgroup's file that counts its OOM kills (`oom_kill N`).
        var oomEventsFile: String {
            directories[0] + (version == .v2 ? "/memory.events" : "/memory.oom_control")
        }

        /// How many times the kernel's OOM killer killed a process of this run.
        var oomKills: Int {
            KernelFile.read(oomEventsFile).map(RunCgroups.oomKills(in:)) ?? 0
        }

        /// Kills every process still in the run's cgroups and removes them. A cgroup holding a
        /// process that is still exiting cannot be removed yet: it is retried for `limit`,
        /// then left to the next runner's start-up sweep.
        @discardableResult
        func destroy(limit: Duration = .seconds(2)) -> Bool {
            let deadline = ContinuousClock.now + limit
            for directory in directories {
                if version == .v2 && KernelFile.write("1", to: "\(directory)/cgroup.kill") { continue }
                RunCgroups.killMembers(of: directory)
            }
            var left = directories
            while !left.isEmpty {
                left = left.filter { rmdir($0) != 0 && errno != ENOENT }
                if left.isEmpty || ContinuousClock.now >= deadline { break }
                for directory in left { RunCgroups.killMembers(of: directory) }
                usleep(2_000)
            }
            return left.isEmpty
        }
    }

    /// The cgroups this machine lets this process make, or why not.
    static func detect() -> Result<RunCgroups, CgroupUnavailable> {
        guard let table = MountEntry.table(), let membership = KernelFile.read("/proc/self/cgroup") else {
            return .failure(CgroupUnavailable("cannot read /proc/self/mountinfo or /proc/self/cgroup"))
        }
        var reasons: [String] = []
        switch v2(table, membership: membership) {
        case .success(let cgroups): return .success(cgroups)
        case .failure(let why): reasons.append("cgroup v2: \(why.reason)")
        }
        switch v1(table, membership: membership) {
        case .success(let cgroups): return .success(cgroups)
        case .failure(let why): reasons.append("cgroup v1: \(why.reason)")
        }
        return .failure(CgroupUnavailable(reasons.joined(separator: "; ")))
    }

    /// Makes the cgroups of one run, with its limits set. `name` must be unique on the host.
    func makeRun(named name: String, memoryBytes: Int, maxProcesses: Int) throws(SandboxError) -> Run {
        let run = Run(version: version, directories: parents.map { "\($0)/\(name)" })
        var made: [String] = []
        func failure(_ message: String) -> SandboxError {
            for directory in made.reversed() { rmdir(directory) }
            return .launchFailed(message)
        }
        for directory in run.directories {
            guard mkdir(directory, 0o755) == 0 else { throw failure("cannot create cgroup \(directory): \(ChildProcess.errnoText())") }
            made.append(directory)
        }
        let settings: [(file: String, value: String, required: Bool)]
        switch version {
        case .v2:
            let directory = run.directories[0]
            settings = [
                ("\(directory)/memory.max", "\(memoryBytes)", true), ("\(directory)/memory.swap.max", "0", false),
                ("\(directory)/pids.max", "\(maxProcesses)", true),
            ]
        case .v1:
            let (memory, pids) = (run.directories[0], run.directories[1])
            // memsw (memory + swap) must not be below the memory limit: set after it.
            settings = [
                ("\(memory)/memory.limit_in_bytes", "\(memoryBytes)", true), ("\(memory)/memory.memsw.limit_in_bytes", "\(memoryBytes)", false),
                ("\(memory)/memory.swappiness", "0", false), ("\(pids)/pids.max", "\(maxProcesses)", true),
            ]
        }
        for setting in settings where !KernelFile.write(setting.value, to: setting.file) && setting.required {
            throw failure("cannot set \(setting.file) to \(setting.value): \(ChildProcess.errnoText())")
        }
        return run
    }

    /// Removes the run cgroups whose names start with `prefix` (a runner that died left them).
    func sweep(prefix: String) -> (removed: Int, left: Int) {
        var removed = 0, left = 0
        for parent in parents {
            for name in (try? FileManager.default.contentsOfDirectory(atPath: parent)) ?? [] where name.hasPrefix(prefix) {
                if Run(version: version, directories: ["\(parent)/\(name)"]).destroy(limit: .milliseconds(500)) {
                    removed += 1
                } else {
                    left += 1
                }
            }
        }
        return (removed, left)
    }

    /// Removes the run cgroups of runners gone from this machine that no state-directory sweep
    /// will find: a runner whose state directory went with it (a temporary one, a container's)
    /// or that was killed while a cgroup still held a process. A run cgroup's name carries its
    /// runner's pid (`selfheal-runner-PID-…`); one whose pid is no live process here and that
    /// was made over a minute ago is no live runner's (a live one's is empty only for the
    /// moment between making it and its first process joining). `rmdir` refuses a cgroup that
    /// still holds a process, so only empty ones go. Pids are this process's pid namespace's:
    /// runners that share a cgroup parent share one (a container's runner has a cgroup
    /// namespace of its own, and so another parent). Returns how many were removed.
    func sweepOrphans() -> Int {
        let prefix = "selfheal-runner-"
        var removed = 0
        for parent in parents {
            for name in (try? FileManager.default.contentsOfDirectory(atPath: parent)) ?? [] where name.hasPrefix(prefix) {
                guard let pid = pid_t(name.dropFirst(prefix.count).prefix { $0 != "-" }), pid > 0 else { continue }
                let alive = kill(pid, 0) == 0 || errno == EPERM
                let directory = "\(parent)/\(name)"
                if !alive, SandboxStateDirectory.isOld(directory), rmdir(directory) == 0 { removed += 1 }
            }
        }
        return removed
    }

    // MARK: - Finding the hierarchies

    struct CgroupUnavailable: Error {
        let reason: String
        init(_ reason: String) { self.reason = reason }
    }

    private static func v2(_ table: [MountEntry], membership: String) -> Result<RunCgroups, CgroupUnavailable> {
        guard let mount = table.first(where: { $0.type == "cgroup2" }) else { return .failure(.init("not mounted")) }
        guard let line = membership.split(separator: "\n").first(where: { $0.hasPrefix("0::") }),
              let base = mount.directory(of: String(line.dropFirst(3)))
        else { return .failure(.init("this process's cgroup is not under \(mount.mountPoint)")) }
        let available = (KernelFile.read("\(base)/cgroup.controllers") ?? "").split(whereSeparator: \.isWhitespace)
        guard available.contains("memory"), available.contains("pids") else {
            return .failure(.init("the memory and pids controllers are not available in \(base) (bound to cgroup v1?)"))
        }
        guard access(base, W_OK) == 0 else { return .failure(.init("\(base) is not writable")) }
        if !KernelFile.write("+memory +pids", to: "\(base)/cgroup.subtree_control") {
            // Only a leaf may hold processes once its children get controllers: move this
            // process into a leaf of its own, then enable them.
            let leaf = "\(base)/selfheal-service"
            guard mkdir(leaf, 0o755) == 0 || errno == EEXIST, KernelFile.write("0", to: "\(leaf)/cgroup.procs"),
                  KernelFile.write("+memory +pids", to: "\(base)/cgroup.subtree_control")
            else { return .failure(.init("cannot enable the memory and pids controllers in \(base): \(ChildProcess.errnoText())")) }
        }
        return .success(RunCgroups(version: .v2, parents: [base]))
    }

    private static func v1(_ table: [MountEntry], membership: String) -> Result<RunCgroups, CgroupUnavailable> {
        var parents: [String] = []
        for controller in ["memory", "pids"] {
            guard let mount = table.first(where: { $0.type == "cgroup" && $0.superOptions.contains(Substring(controller)) }) else {
                return .failure(.init("no \(controller) hierarchy mounted"))
            }
            // A line of /proc/self/cgroup: "4:memory:/some/path" (a hierarchy may carry several controllers).
            guard let line = membership.split(separator: "\n").first(where: { $0.split(separator: ":", maxSplits: 2).dropFirst().first?.split(separator: ",").contains(Substring(controller)) == true }),
                  let path = line.split(separator: ":", maxSplits: 2).last, let base = mount.directory(of: String(path))
            else { return .failure(.init("this process's \(controller) cgroup is not under \(mount.mountPoint)")) }
            guard access(base, W_OK) == 0 else { return .failure(.init("\(base) is not writable")) }
            parents.append(base)
        }
        return .success(RunCgroups(version: .v1, parents: parents))
    }

    /// SIGKILL to every process listed in a cgroup (v1 has no cgroup.kill).
    static func killMembers(of directory: String) {
        guard let text = KernelFile.read("\(directory)/cgroup.procs") else { return }
        for pid in text.split(separator: "\n").compactMap({ pid_t($0) }) { kill(pid, SIGKILL) }
    }
}
