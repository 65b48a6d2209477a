import Foundation
import SelfHealCore
import Testing
@testable import SelfHealRules

@Suite struct HotReloadTests {
    /// Runs the reload service (default interval) while `body` edits the folder.
    private func withReloadService(_ engine: RulesEngine, _ body: () async throws -> Void) async throws {
        let service = LuaFolderReloadService(folder: engine, logger: quietLogger)
        let task = Task { try await service.run() }
        defer { task.cancel() }
        try await body()
    }

    /// Waits up to `limit` for `condition`; returns how long it took, or nil on timeout.
    /// The limit is generous so a busy CI machine cannot fail the test; the one-second
    /// target is measured by `selfheal bench rules`, not asserted here.
    private func waitFor(_ limit: Duration = .seconds(30), _ condition: () async -> Bool) async throws -> Duration? {
        let start = ContinuousClock.now
        while ContinuousClock.now - start < limit {
            if await condition() { return ContinuousClock.now - start }
            try await Task.sleep(for: .milliseconds(10))
        }
        return await condition() ? ContinuousClock.now - start : nil
    }

    @Test func aWeightEditedInScoringLuaIsLiveWithinOneSecond() async throws {
        let folder = try TempFolder(["scoring.lua": scoring(rules: 0.4, judge: 0.6), "a.lua": rule("a", "return 0.5")])
        let engine = try RulesEngine(directory: folder.path, logger: quietLogger)
        let context = pythonContext("x", "y = 1")
        let judge = JudgeVerdict(score: 1, feedback: "", available: true)
        func final() async -> Double {
            let score = await engine.score(context)
            return score.policy.combine(ruleScore: score.ruleScore, judge: judge, failedRequired: score.failedRequired).finalScore
        }
        #expect(abs(await final() - 0.8) < 1e-9) // 0.4 · 0.5 + 0.6 · 1
        try await withReloadService(engine) {
            try folder.write("scoring.lua", scoring(rules: 0.9, judge: 0.1))
            let took = try await waitFor { abs(await final() - 0.55) < 1e-9 } // 0.9 · 0.5 + 0.1 · 1
            #expect(took != nil, "the new weight never went live")
        }
        #expect(engine.status.lastError == nil)
    }

    @Test func aFileReplacedByRenameIsPickedUp() async throws {
        let folder = try TempFolder(["a.lua": rule("a", "return 0.5")])
        let engine = try RulesEngine(directory: folder.path, logger: quietLogger)
        try await withReloadService(engine) {
            try folder.replaceByRename("a.lua", rule("a", "return 0.25"))
            let took = try await waitFor { await engine.score(pythonContext("x", "y")).ruleScore == 0.25 }
            #expect(took != nil)
        }
    }

    @Test func aConfigMapSymlinkSwapIsPickedUp() async throws {
        let folder = try TempFolder()
        let fm = FileManager.default
        try fm.createDirectory(atPath: folder.path + "/..v1", withIntermediateDirectories: true)
        try rule("a", "return 0.5").write(toFile: folder.path + "/..v1/a.lua", atomically: false, encoding: .utf8)
        try fm.createSymbolicLink(atPath: folder.path + "/..data", withDestinationPath: "..v1")
        try fm.createSymbolicLink(atPath: folder.path + "/a.lua", withDestinationPath: "..data/a.lua")
        let engine = try RulesEngine(directory: folder.path, logger: quietLogger)
        #expect(engine.scoreBlocking(pythonContext("x", "y")).ruleScore == 0.5)
        try await withReloadService(engine) {
            // What the kubelet does: a new timestamped dir, then an atomic swap of ..data.
            try fm.createDirectory(atPath: folder.path + "/..v2", withIntermediateDirectories: true)
            try rule("a", "return 0.75").write(toFile: folder.path + "/..v2/a.lua", atomically: false, encoding: .utf8)
            try fm.createSymbolicLink(atPath: folder.path + "/..data_tmp", withDestinationPath: "..v2")
            #expect(rename(folder.path + "/..data_tmp", folder.path + "/..data") == 0)
            let took = try await waitFor { await engine.score(pythonContext("x", "y")).ruleScore == 0.75 }
            #expect(took != nil)
        }
    }

    @Test func aBrokenEditKeepsTheLastGoodSetAndReportsFileAndLine() async throws {
        let folder = try TempFolder(["a.lua": rule("a", "return 0.5"), "b.lua": rule("b", "return 1")])
        let engine = try RulesEngine(directory: folder.path, logger: quietLogger)
        let good = engine.status
        try await withReloadService(engine) {
            try folder.write("b.lua", "return {\n  name = 'b',\n  weight = 1\n  check = nil,\n}\n")
            let took = try await waitFor { engine.status.lastError != nil }
            #expect(took != nil, "poller did not reload; a direct reload says: \(engine.reloadIfChanged())")
        }
        let status = engine.status
        #expect(status.version == good.version)
        #expect(status.lastError?.contains(folder.path + "/b.lua:4:") == true, "\(status.lastError ?? "")")
        #expect(status.lastErrorAt != nil)
        let score = await engine.score(pythonContext("x", "y"))
        #expect(score.version == good.version)
        #expect(score.ruleScore == 0.75)

        // Fixing the file clears the error and makes the new set live.
        try folder.write("b.lua", rule("b", "return 0"))
        #expect(engine.reloadIfChanged() != .unchanged)
        #expect(engine.status.lastError == nil)
        #expect(engine.scoreBlocking(pythonContext("x", "y")).ruleScore == 0.25)
    }

    @Test func reloadOutcomesAndVersions() throws {
        let folder = try TempFolder(["a.lua": rule("a", "return 1")])
        let engine = try RulesEngine(directory: folder.path, logger: quietLogger)
        let first = engine.status.version
        #expect(engine.reloadIfChanged() == .unchanged)
        try folder.write("a.lua", rule("a", "return 0"))
        guard case .reloaded(let second) = engine.reloadIfChanged() else { Issue.record("no reload"); return }
        #expect(second != first)
        #expect(engine.status.version == second)
        try folder.write("a.lua", "return {")
        guard case .failed = engine.reloadIfChanged() else { Issue.record("no failure"); return }
        // The same broken content is reported once, not on every poll.
        #expect(engine.reloadIfChanged() == .unchanged)
        // Back to the first content: the same version as before.
        try folder.write("a.lua", rule("a", "return 1"))
        #expect(engine.reloadIfChanged() == .reloaded(version: first))
    }

    @Test func scoringInFlightFinishesOnTheSetItStartedWith() throws {
        let folder = try TempFolder(["a.lua": rule("a", "return 1")])
        let engine = try RulesEngine(directory: folder.path, logger: quietLogger)
        let old = engine.current
        try folder.write("a.lua", rule("a", "return 0"))
        _ = engine.reloadIfChanged()
        #expect(engine.current !== old)
        // An evaluation that picked `old` before the swap still runs old's rules.
        let outcomes = engine.evaluate(pythonContext("x", "y"), on: old)
        #expect(outcomes.map(\.result.score) == [1])
        #expect(engine.scoreBlocking(pythonContext("x", "y")).ruleScore == 0)
    }
}

@Suite struct FolderVersionTests {
    /// The version in `/health` and in every execution log is FNV-1a over each file's name and
    /// bytes (each followed by a zero byte), in name order: the same folder keeps the same
    /// version across releases, so logs written before an upgrade still match the rules on disk.
    @Test func theVersionIsAStableHashOfNamesAndContents() throws {
        let folder = try TempFolder(["b.lua": "return 2\n", "a.lua": "return 1 -- é\n", "notes.txt": "not a rule"])
        #expect(try LuaFolderSnapshot.read(directory: folder.path).version == "5713ff22ff80bf05")
        try folder.write("b.lua", "return 3\n")
        #expect(try LuaFolderSnapshot.read(directory: folder.path).version != "5713ff22ff80bf05")
    }
}
