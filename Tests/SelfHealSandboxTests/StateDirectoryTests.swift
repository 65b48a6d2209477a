import Foundation
import SelfHealCore
import Testing
@testable import SelfHealSandbox

/// selfheal's sandbox state directory: its own, never through a link, swept of dead runners only.
struct StateDirectoryTests {
    func scratch() throws -> String {
        let path = NSTemporaryDirectory() + "selfheal-state-tests-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    @Test("a symlink planted where the state directory goes is refused, and nothing is written through it")
    func plantedSymlinkIsRefused() throws {
        let base = try scratch()
        defer { try? FileManager.default.removeItem(atPath: base) }
        let target = "\(base)/elsewhere"
        try FileManager.default.createDirectory(atPath: target, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: "\(base)/state", withDestinationPath: target)
        #expect(throws: SandboxError.self) { try SandboxStateDirectory(root: "\(base)/state") }
        #expect(try FileManager.default.contentsOfDirectory(atPath: target).isEmpty)
    }

    @Test("a state directory owned by another user is refused", .enabled(if: geteuid() == 0, "needs root to make one"))
    func foreignOwnerIsRefused() throws {
        let base = try scratch()
        defer { try? FileManager.default.removeItem(atPath: base) }
        let foreign = "\(base)/state"
        try FileManager.default.createDirectory(atPath: foreign, withIntermediateDirectories: true)
        chown(foreign, 65534, 65534)
        do {
            _ = try SandboxStateDirectory(root: foreign)
            Issue.record("a directory of uid 65534 was accepted")
        } catch {
            #expect(error.description.contains("belongs to uid 65534"), "\(error)")
        }
    }

    @Test("a group- or world-writable state directory of ours is narrowed to its owner")
    func widenedModeIsNarrowed() throws {
        let base = try scratch()
        defer { try? FileManager.default.removeItem(atPath: base) }
        let state = "\(base)/state"
        try FileManager.default.createDirectory(atPath: state, withIntermediateDirectories: true)
        chmod(state, 0o777)
        let directory = try SandboxStateDirectory(root: state)
        let mode = try #require(FileManager.default.attributesOfItem(atPath: state)[.posixPermissions] as? Int)
        #expect(mode & 0o022 == 0, "mode \(String(mode, radix: 8))")
        _ = directory
    }

    @Test("the shared uid lock directory is made with its parent, not replaced by a private one", .enabled(if: geteuid() == 0, "uid locks are for root"))
    func uidLockDirectoryIsMadeWithItsParent() throws {
        let base = try scratch()
        defer { try? FileManager.default.removeItem(atPath: base) }
        let locks = "\(base)/not-yet/uid-locks"
        let block = try #require(UIDBlock(base: 65_400, size: 1, lockDirectory: locks))
        #expect(FileManager.default.fileExists(atPath: "\(locks)/\(UIDBlock.lockFileName(block.first))"))
    }

    @Test("a small uid block is found past a range taken by larger ones, never overlapping them, never nobody", .enabled(if: geteuid() == 0, "uid locks are for root"))
    func smallBlockPastLargerOnes() throws {
        let base = try scratch()
        defer { try? FileManager.default.removeItem(atPath: base) }
        let locks = "\(base)/uid-locks"
        let large = (0..<20).compactMap { _ in UIDBlock(base: 70_000, size: 8, lockDirectory: locks) }
        #expect(large.count == 20)
        let small = try #require(UIDBlock(base: 70_000, size: 2, lockDirectory: locks))
        #expect(!large.contains { $0.first < small.first + 2 && small.first < $0.first + 8 }, "\(small.first) overlaps a larger block")
        let nearNobody = try #require(UIDBlock(base: 65_530, size: 4, lockDirectory: locks))
        let nextNearNobody = try #require(UIDBlock(base: 65_530, size: 4, lockDirectory: locks))
        for block in [nearNobody, nextNearNobody] {
            #expect(!(block.first..<(block.first + 4)).contains(65_534), "block at \(block.first) holds nobody")
        }
    }

    @Test("a sweep removes the directories of runners that are gone and keeps a live runner's")
    func sweepKeepsLiveRunners() throws {
        let base = try scratch()
        defer { try? FileManager.default.removeItem(atPath: base) }
        let live = try SandboxStateDirectory(root: base)
        try FileManager.default.createDirectory(atPath: "\(live.runnerDirectory)/job-live01", withIntermediateDirectories: true)
        var dead: SandboxStateDirectory? = try SandboxStateDirectory(root: base)
        let deadDirectory = dead!.runnerDirectory
        dead = nil  // its lock is released, as the kernel does when a process dies...
        // ...but a killed process never removes its directory: make it again, with a run inside.
        try FileManager.default.createDirectory(atPath: "\(deadDirectory)/job-dead01", withIntermediateDirectories: true)
        FileManager.default.createFile(atPath: "\(deadDirectory)/lock", contents: nil)
        // A runner that is making its directory right now has no lock file yet: it stays.
        let starting = "\(base)/runners/runner-1-starting"
        try FileManager.default.createDirectory(atPath: starting, withIntermediateDirectories: true)

        let sweeper = try SandboxStateDirectory(root: base)
        let sweep = sweeper.sweepAbandoned(uidLockDirectory: "\(base)/no-locks")
        #expect(sweep.runners == 1 && sweep.jobs == 1)
        #expect(sweep.names == [(deadDirectory as NSString).lastPathComponent])
        #expect(!FileManager.default.fileExists(atPath: deadDirectory))
        #expect(FileManager.default.fileExists(atPath: "\(live.runnerDirectory)/job-live01"))
        #expect(FileManager.default.fileExists(atPath: sweeper.runnerDirectory))
        #expect(FileManager.default.fileExists(atPath: starting))
    }

    @Test("a runner whose cgroups cannot be removed yet keeps its directory, and the next sweep removes both")
    func sweepKeepsRunnerWhoseCgroupsRemain() throws {
        let base = try scratch()
        defer { try? FileManager.default.removeItem(atPath: base) }
        var dead: SandboxStateDirectory? = try SandboxStateDirectory(root: base)
        let deadDirectory = dead!.runnerDirectory
        let deadName = dead!.name
        dead = nil
        try FileManager.default.createDirectory(atPath: deadDirectory, withIntermediateDirectories: true)
        FileManager.default.createFile(atPath: "\(deadDirectory)/lock", contents: nil)

        let first = try SandboxStateDirectory(root: base)
        var asked: [String] = []
        let blocked = first.sweepAbandoned(uidLockDirectory: "\(base)/no-locks") { name in
            asked.append(name)
            return false
        }
        #expect(asked == [deadName])
        #expect(blocked.runners == 0 && blocked.names.isEmpty && blocked.kept == [deadName])
        #expect(FileManager.default.fileExists(atPath: deadDirectory), "forgotten: its cgroups would never be tried again")

        let second = try SandboxStateDirectory(root: base)
        let cleared = second.sweepAbandoned(uidLockDirectory: "\(base)/no-locks") { _ in true }
        // The first sweeper is alive (its lock is held): only the dead runner goes.
        #expect(cleared.names == [deadName] && cleared.kept.isEmpty)
        #expect(!FileManager.default.fileExists(atPath: deadDirectory))
        #expect(FileManager.default.fileExists(atPath: first.runnerDirectory))
    }
}
