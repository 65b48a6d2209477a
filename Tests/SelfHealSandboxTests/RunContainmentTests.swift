import Foundation
import SelfHealCore
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
        #expect(fixture.leftoverProcesses.isEmpty)
    }

    @Test(
        "a run's cgroups are gone after it (a warm host's hold the host alone), none are left when the runner stops, and /health's isolation names them",
        .enabled(if: cgroupsInEffect, "no cgroups here"), arguments: SandboxPath.allCases
    )
    func cgroupsAreRemovedAfterEachRun(path: SandboxPath) async throws {
        var fixture: SandboxFixture? = try SandboxFixture(path: path)
        let parents = try RunCgroups.detect().get().parents
        let name = fixture!.runner.runnerDirectory.split(separator: "/").last.map(String.init) ?? "?"
        let mine = { parents.flatMap { parent in
            ((try? FileManager.default.contentsOfDirectory(atPath: parent)) ?? []).filter { $0.hasPrefix("selfheal-\(name)-") }.map { "\(parent)/\($0)" }
        } }
        let result = try await fixture!.run("import os, time\nif os.fork() == 0:\n    time.sleep(30)\nprint('parent')\n", tests: "")
        #expect(result.ran)
        let left = mine()
        switch path {
        case .cold:
            #expect(left.isEmpty, "left: \(left)")
        case .warm:
            // The host's own cgroups stay, holding the host (root), its compile-only checker (a
            // uid of its own) and the spare that waits for the next job, nothing of the run.
            #expect(left.count == parents.count && left.allSatisfy { $0.contains("-host") }, "left: \(left)")
            let jobUIDs = Set((0..<fixture!.runner.configuration.maxConcurrent).compactMap { fixture!.runner.uid(forSlot: $0) })
            for directory in left {
                let members = (try? String(contentsOfFile: "\(directory)/cgroup.procs", encoding: .utf8))?.split(separator: "\n").compactMap { pid_t($0) } ?? []
                let owners = members.map { WarmHostTests.owner(of: $0) ?? -1 }
                let ofJobs = members.filter { jobUIDs.contains(WarmHostTests.owner(of: $0) ?? -1) }
                #expect(
                    members.count <= 3 && owners.contains(0) && ofJobs.count <= 1 && ofJobs.allSatisfy(SandboxFixture.isWarmSpare),
                    "\(directory) holds \(members) of \(owners)"
                )
            }
        }
        #expect(fixture!.runner.isolation.cgroups.contains("MiB of memory"))
        #expect(fixture!.runner.isolation.summary.contains("per-run cgroup limits"))
        fixture = nil
        #expect(mine().isEmpty, "left after the runner stopped: \(mine())")
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
}
