import Foundation
import SelfHealCore
import SelfHealTestSupport
import Testing
@testable import SelfHealSandbox

/// A warm host's waiting processes, the next job's spare and the compile-only checker, can die
/// outside any job (killed by a sweep of their uid, by the kernel's OOM killer, by an
/// operator): the host notices before it uses one and starts another, so no job's verdict
/// pays for it.
@Suite(.serialized, .timeLimit(.minutes(2)))
struct WarmHostRecoveryTests {
    @Test(
        "a spare killed while it waits (as the cold path's sweep of its slot's uid kills it) is replaced before the next job, which passes in the same host",
        .enabled(if: WarmHostTests.warmHere, "no warm hosts on this machine")
    )
    func killedSpareIsReplaced() async throws {
        let fixture = try SandboxFixture(maxConcurrent: 1)
        #expect(try await fixture.run(addCode, tests: addTests, entryPoint: "add").passed)
        let uid = try #require(fixture.runner.uid(forSlot: 0))
        let waiting = await eventually(within: .seconds(10)) { ProcessSweep.processes(ofUID: uid).contains(where: SandboxFixture.isWarmSpare) }
        try #require(waiting, "no spare waits as uid \(uid)")
        #expect(ProcessSweep.killAll(ofUID: uid).isEmpty)
        let next = try await fixture.run(addCode, tests: addTests, entryPoint: "add")
        #expect(next.passed, "\(next.stderrTail)")
        let stats = try #require(fixture.runner.warmHostStats)
        #expect(stats.restarted == 0 && stats.fellBack == 0 && stats.jobsPerHost == [2], "\(stats)")
    }

    @Test(
        "a checker killed while it waits is replaced before the next compile-only check, which it answers without a fork",
        .enabled(if: WarmHostTests.warmHere, "no warm hosts on this machine")
    )
    func killedCheckerIsReplaced() async throws {
        // A check's time is half the job's, at most 2 s: room for the new checker to start.
        let fixture = try SandboxFixture(timeout: .seconds(20), maxConcurrent: 1)
        #expect(try await fixture.run(addCode).passed)
        #expect(fixture.runner.warmHostStats?.checkedWithoutFork == 1)
        let checker = try #require(try Self.checker(of: fixture))
        let uid = try #require(WarmHostTests.owner(of: checker))
        kill(checker, SIGKILL)
        // Dead (a zombie until its parent, the forker, is asked to reap it) before the check.
        let dead = await eventually(within: .seconds(10)) { !ProcessSweep.processes(ofUID: uid).contains(checker) }
        try #require(dead, "the checker \(checker) did not die")
        let next = try await fixture.run(addCode)
        #expect(next.passed && next.kind == .syntax, "\(next.stderrTail)")
        let stats = try #require(fixture.runner.warmHostStats)
        #expect(stats.checkedWithoutFork == 2 && stats.restarted == 0 && stats.fellBack == 0, "\(stats)")
    }

    /// The checker of the fixture's one host: the process in its cgroup that is neither root
    /// nor of a slot's uid.
    static func checker(of fixture: SandboxFixture) throws -> pid_t? {
        let host = try #require(try WarmHostTests.hostProcesses(of: fixture).first)
        let slotUIDs = Set((0..<fixture.runner.configuration.maxConcurrent).compactMap { fixture.runner.uid(forSlot: $0) })
        let cgroup = try #require(RunContainmentTests.cgroups(of: fixture.runner).first { directory in
            RunContainmentTests.members(of: directory).contains(host)
        })
        return RunContainmentTests.members(of: cgroup).first { pid in
            guard let owner = WarmHostTests.owner(of: pid) else { return false }
            return owner != 0 && !slotUIDs.contains(owner)
        }
    }
}
