import Foundation
import SelfHealCore
import SelfHealTestSupport
import Testing
@testable import SelfHealSandbox

/// What a run may take of the host as a whole, probed as hostile code would probe it.
@Suite(.serialized)
struct RunContainmentTests {
    static var cgroupsInEffect: Bool { SandboxFixture.machineIsolation.cgroups.hasPrefix("v") }

    @Test(
        "children that together exceed the run's memory limit fail the run, and the host never gives them all of it",
        .enabled(if: cgroupsInEffect, "this machine gives the sandbox no cgroups"), arguments: SandboxPath.allCases
    )
    func forkedChildrenShareOneMemoryLimit(path: SandboxPath) async throws {
        let fixture = try SandboxFixture(timeout: .seconds(20), runMemoryBytes: 256 << 20, path: path)
        // Six children of 100 MiB each, every page written: 600 MiB in all, under the
        // per-process cap of 512 MiB each, over the run's 256 MiB together.
        let program = """
            import os, time
            children = []
            for _ in range(6):
                pid = os.fork()
                if pid == 0:
                    block = b"\\x01" * (100 * 1024 * 1024)
                    time.sleep(2)
                    os._exit(0)
                children.append(pid)
            statuses = [os.waitpid(pid, 0)[1] for pid in children]
            assert all(status == 0 for status in statuses), statuses
            print("every child held its 100 MiB")
            """
        let result = try await fixture.run(program, tests: "")
        #expect(!result.passed)
        #expect(result.stderrTail.contains("memory limit of 256 MiB exceeded"), "\(result.stderrTail)")
        #expect(fixture.leftoverFiles.isEmpty)
        #expect(await fixture.leftoverProcesses().isEmpty)
    }

    @Test(
        "one process holding more than the run's memory limit fails the run on either path: a warm job gets no share of what its host may use, and the host serves the next job",
        .enabled(if: cgroupsInEffect, "this machine gives the sandbox no cgroups"), .timeLimit(.minutes(2)),
        arguments: SandboxPath.allCases
    )
    func oneProcessOverTheLimitFails(path: SandboxPath) async throws {
        let fixture = try SandboxFixture(timeout: .seconds(20), maxConcurrent: 1, runMemoryBytes: 200 << 20, path: path)
        // 216 MiB, every page written: under the per-process cap (512 MiB), over the run's 200.
        let result = try await fixture.run("block = b'\\x01' * (216 * 1024 * 1024)\nprint('held', len(block))\n", tests: "")
        #expect(!result.passed)
        #expect(result.stderrTail.contains("memory limit of 200 MiB exceeded"), "\(result.stderrTail)")
        // Well under the limit: it runs, on the same path.
        let small = try await fixture.run("block = b'\\x01' * (150 * 1024 * 1024)\nprint('held', len(block))\n", tests: "")
        #expect(small.passed, "\(small.stderrTail)")
        if path == .warm {
            let stats = try #require(fixture.runner.warmHostStats)
            #expect(stats.jobs == 2 && stats.fellBack == 0, "\(stats)")
        }
        #expect(await fixture.leftoverProcesses().isEmpty)
    }

    @Test(
        "the OOM killer picks a job's process before the service or a warm host, and no job can lower its score below theirs",
        .enabled(if: cgroupsInEffect, "this machine gives the sandbox no cgroups"), .timeLimit(.minutes(2)),
        arguments: SandboxPath.allCases
    )
    func oomScores(path: SandboxPath) async throws {
        let fixture = try SandboxFixture(maxConcurrent: 1, path: path)
        // Its own score lowered, through the current file and the legacy one; on the warm path
        // the host's (pid 1 there) raised to make it the pick; any cgroup memory limit in view.
        let program = """
            import os
            with open("/proc/self/oom_score_adj") as score:
                assert score.read().strip() == "1000", "the job's OOM score is not 1000"
            writes = [("/proc/self/oom_score_adj", "-1000"), ("/proc/self/oom_score_adj", "-1"), ("/proc/self/oom_adj", "-17")]
            if \(path == .warm ? "True" : "False"):
                writes.append(("/proc/1/oom_score_adj", "1000"))
            writes += [(os.path.join(folder, name), str(1 << 40)) for folder, _, names in os.walk("/sys/fs/cgroup")
                       for name in names if name in ("memory.limit_in_bytes", "memory.max")]
            for path, value in writes:
                try:
                    with open(path, "w") as handle:
                        handle.write(value)
                except OSError:
                    continue
                raise SystemExit("the job wrote %s to %s" % (value, path))
            """
        let result = try await fixture.run(program, tests: "")
        #expect(result.passed, "\(result.stderrTail)")
        if path == .warm {
            let host = try #require(try Self.cgroups(of: fixture.runner).first { $0.contains("-host") })
            // The host and its forker (root) keep the service's score or, where root may lower
            // it, -1000; its checker and the spare (their own uids) have a job's. Read once the
            // host has cleared up after the job (a spare being forked is root for a moment).
            var scores: [(uid: Int?, score: Int?)] = []
            let settled = await eventually(within: .seconds(30)) {
                scores = Self.members(of: host).map { pid in (uid: Self.realUID(of: pid), score: Self.oomScore(of: pid)) }
                let root = scores.filter { $0.uid == 0 }
                return scores.count == 4 && root.count == 2 && root.allSatisfy { $0.score == 0 || $0.score == -1000 }
                    && scores.filter { $0.uid != 0 }.allSatisfy { $0.score == 1000 }
            }
            #expect(settled, "\(scores)")
        }
    }

    /// The cgroups the runner made that are still there (a warm host's hold the host).
    static func cgroups(of runner: SandboxRunner) throws -> [String] {
        try cgroups(ofRunnerNamed: runner.runnerDirectory.split(separator: "/").last.map(String.init) ?? "?")
    }

    static func cgroups(ofRunnerNamed name: String) throws -> [String] {
        try RunCgroups.detect().get().parents.flatMap { parent in
            ((try? FileManager.default.contentsOfDirectory(atPath: parent)) ?? []).filter { $0.hasPrefix("selfheal-\(name)-") }.map { "\(parent)/\($0)" }
        }
    }

    /// The processes in a cgroup.
    static func members(of directory: String) -> [pid_t] {
        (try? String(contentsOfFile: "\(directory)/cgroup.procs", encoding: .utf8))?.split(separator: "\n").compactMap { pid_t($0) } ?? []
    }

    static func realUID(of pid: pid_t) -> Int? {
        let status = (try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)) ?? ""
        return status.split(separator: "\n").first { $0.hasPrefix("Uid:") }?.split(whereSeparator: \.isWhitespace).dropFirst().first.flatMap { Int($0) }
    }

    static func oomScore(of pid: pid_t) -> Int? {
        (try? String(contentsOfFile: "/proc/\(pid)/oom_score_adj", encoding: .utf8)).flatMap { Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
    }

    @Test(
        "a run's cgroups are gone after it (a warm host's hold the host alone), none are left when the runner stops, and /health's isolation names them",
        .enabled(if: cgroupsInEffect, "no cgroups here"), arguments: SandboxPath.allCases
    )
    func cgroupsAreRemovedAfterEachRun(path: SandboxPath) async throws {
        var fixture: SandboxFixture? = try SandboxFixture(path: path)
        let parents = try RunCgroups.detect().get().parents
        let name = fixture!.runner.runnerDirectory.split(separator: "/").last.map(String.init) ?? "?"
        let mine = { (try? Self.cgroups(ofRunnerNamed: name)) ?? [] }
        let result = try await fixture!.run("import os, time\nif os.fork() == 0:\n    time.sleep(30)\nprint('parent')\n", tests: "")
        #expect(result.ran)
        let left = mine()
        switch path {
        case .cold:
            #expect(left.isEmpty, "left: \(left)")
        case .warm:
            // The host's own cgroups stay, holding the host and its forker (root), its
            // compile-only checker (a uid of its own) and the spare that waits for the next
            // job, nothing of the run.
            #expect(left.count == parents.count && left.allSatisfy { $0.contains("-host") }, "left: \(left)")
            let jobUIDs = Set((0..<fixture!.runner.configuration.maxConcurrent).compactMap { fixture!.runner.uid(forSlot: $0) })
            for directory in left {
                // The host answers first and clears up after: the job's leftover child is given
                // 30 seconds to go (as `leftoverProcesses` gives it).
                var members: [pid_t] = [], owners: [Int] = []
                let settled = await eventually(within: .seconds(30)) {
                    members = Self.members(of: directory)
                    owners = members.map { WarmHostTests.owner(of: $0) ?? -1 }
                    let ofJobs = members.filter { jobUIDs.contains(WarmHostTests.owner(of: $0) ?? -1) }
                    return members.count <= 4 && owners.contains(0) && ofJobs.count <= 1 && ofJobs.allSatisfy(SandboxFixture.isWarmSpare)
                }
                #expect(settled, "\(directory) holds \(members) of \(owners)")
            }
        }
        #expect(fixture!.runner.isolation.cgroups.contains("MiB of memory"))
        #expect(fixture!.runner.isolation.summary.contains("per-run cgroup limits"))
        fixture = nil
        #expect(mine().isEmpty, "left after the runner stopped: \(mine())")
    }

    @Test(
        "a runner starting removes the empty cgroups of runners gone from this machine; a live runner's, a new one and one holding a process stay",
        .enabled(if: cgroupsInEffect, "no cgroups here"), .timeLimit(.minutes(1))
    )
    func orphanedCgroupsAreSwept() async throws {
        let parents = try RunCgroups.detect().get().parents
        let finished = Process()
        finished.executableURL = URL(fileURLWithPath: "/bin/true")
        try finished.run()
        finished.waitUntilExit()
        let gone = finished.processIdentifier
        let holder = Process()
        holder.executableURL = URL(fileURLWithPath: "/bin/sleep")
        holder.arguments = ["30"]
        try holder.run()
        let tag = UUID().uuidString.prefix(6)
        let orphan = "selfheal-runner-\(gone)-\(tag)a-host0-1", live = "selfheal-runner-\(getpid())-\(tag)b-host0-1"
        let young = "selfheal-runner-\(gone)-\(tag)c-host1-2", busy = "selfheal-runner-\(gone)-\(tag)d-host1-2"
        let names = [orphan, live, young, busy]
        defer {
            kill(holder.processIdentifier, SIGKILL)
            holder.waitUntilExit()
            for parent in parents {
                for name in names { rmdir("\(parent)/\(name)") }
            }
        }
        for parent in parents {
            for name in names { try FileManager.default.createDirectory(atPath: "\(parent)/\(name)", withIntermediateDirectories: false) }
            #expect(KernelFile.write("\(holder.processIdentifier)", to: "\(parent)/\(busy)/cgroup.procs"))
            for name in [orphan, live, busy] {
                try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSinceNow: -3600)], ofItemAtPath: "\(parent)/\(name)")
            }
        }
        _ = try SandboxFixture(maxConcurrent: 1, path: .cold)
        for parent in parents {
            #expect(!FileManager.default.fileExists(atPath: "\(parent)/\(orphan)"), "\(orphan) is still in \(parent)")
            for name in [live, young, busy] {
                #expect(FileManager.default.fileExists(atPath: "\(parent)/\(name)"), "\(name) was removed from \(parent)")
            }
        }
        #expect(Self.members(of: "\(parents[0])/\(busy)") == [holder.processIdentifier])
    }

    @Test("mountinfo fields are read with their octal escapes, and a cgroup path maps under its mount")
    func mountinfoParsing() throws {
        let line = "35 24 0:30 /process_api /sys/fs/cgroup/my\\040memory rw,relatime shared:9 - cgroup cgroup rw,memory"
        let mount = try #require(MountEntry(line[...]))
        #expect(mount.mountPoint == "/sys/fs/cgroup/my memory")
        #expect(mount.type == "cgroup" && mount.superOptions.contains("memory"))
        #expect(mount.directory(of: "/process_api/abc") == "/sys/fs/cgroup/my memory/abc")
        #expect(mount.directory(of: "/process_api") == "/sys/fs/cgroup/my memory")
        #expect(mount.directory(of: "/process_apix/abc") == nil)
        #expect(mount.directory(of: "/elsewhere") == nil)
    }

    @Test("the OOM-kill count is read from v1's memory.oom_control and v2's memory.events alike")
    func oomKillCounts() {
        #expect(RunCgroups.oomKills(in: "oom_kill_disable 0\nunder_oom 0\noom_kill 3\n") == 3)
        #expect(RunCgroups.oomKills(in: "low 0\nhigh 0\nmax 7\noom 2\noom_kill 2\noom_group_kill 1\n") == 2)
        // A line that only starts like the key is not it; neither is a count that is no number.
        #expect(RunCgroups.oomKills(in: "oom_kill_disable 1\nunder_oom 1\n") == 0)
        #expect(RunCgroups.oomKills(in: "oom_kill x\n") == 0)
        #expect(RunCgroups.oomKills(in: "oom_kill 99999999999999999999999\n") == 0)
        #expect(RunCgroups.oomKills(in: "") == 0)
        #expect(RunCgroups.oomKills(in: "oom_kill 12") == 12)
        // Read from a file kept open, as a warm host's is: read again from its start each time.
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("oom-\(UUID().uuidString)").path
        defer { unlink(path) }
        #expect(FileManager.default.createFile(atPath: path, contents: Data("oom_kill_disable 0\nunder_oom 0\noom_kill 3\n".utf8)))
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        #expect(RunCgroups.oomKills(descriptor: descriptor) == 3)
        #expect(RunCgroups.oomKills(descriptor: descriptor) == 3)
        close(descriptor)
        // A descriptor that is no file (a stopped host's -1) reads as nothing, not as 0.
        #expect(RunCgroups.oomKills(descriptor: -1) == nil)
    }
}
