import Foundation
@testable import SelfHealSandbox
import Testing

/// What a server killed in the middle of a sandboxed run leaves behind, and what its restart
/// makes of it.
@Suite("Sandbox state across kill -9", .timeLimit(.minutes(3)))
struct SandboxRestartTests {
    /// The job directories under a sandbox state directory, with the uid each belongs to.
    static func jobDirectories(in root: String) -> [(path: String, uid: Int)] {
        let runners = "\(root)/runners"
        var found: [(String, Int)] = []
        for runner in (try? FileManager.default.contentsOfDirectory(atPath: runners)) ?? [] {
            for entry in (try? FileManager.default.contentsOfDirectory(atPath: "\(runners)/\(runner)")) ?? [] where entry.hasPrefix("job-") {
                let path = "\(runners)/\(runner)/\(entry)"
                // FileManager, not stat(2): which C module a clean build finds `stat` in varies.
                if let owner = (try? FileManager.default.attributesOfItem(atPath: path))?[.ownerAccountID] as? NSNumber {
                    found.append((path, owner.intValue))
                }
            }
        }
        return found
    }

    @Test("the evaluator killed with SIGKILL mid-run: its restart removes the run's directory and stops its program")
    func killedMidRunLeavesNothingAfterRestart() async throws {
        let database = try TempDatabase()
        defer { database.cleanup() }
        let sandbox = database.directory.appendingPathComponent("sandbox").path
        try await withProcesses(in: database.directory) { running in
            let arguments = ["--role", "evaluator", "--database", database.url, "--rules", shippedRules]
            let environment = ["LLM_PROVIDER": "simulated", "SELFHEAL_SANDBOX_DIR": sandbox]
            let evaluator = try running.start(arguments, environment: environment, name: "evaluator")
            try await evaluator.waitHealthy()

            // A program that would outlive any timeout nobody enforces any more.
            let body = json([
                "task_type": "code_generation", "user_input": "add two numbers", "language": "python", "entry_point": "add",
                "output": "```python\nimport time\ntime.sleep(600)\ndef add(a, b):\n    return a + b\n```",
                "tests": "def check(candidate):\n    assert candidate(2, 3) == 5\n",
            ])
            let inFlight = Task { try? await fetch(port: evaluator.port, path: "/api/v1/evaluate", body: body) }
            defer { inFlight.cancel() }
            let started = await eventually(within: .seconds(20)) { !Self.jobDirectories(in: sandbox).isEmpty }
            try #require(started, "no run started:\n\(evaluator.logTail())")
            let job = try #require(Self.jobDirectories(in: sandbox).first)
            if geteuid() == 0 {
                // The program runs as the run's uid once it is past the launcher.
                let running = await eventually(within: .seconds(20)) { !ProcessSweep.processes(ofUID: job.uid).isEmpty }
                try #require(running, "the run's program never started:\n\(evaluator.logTail())")
            }
            try await evaluator.killHard()

            // Without a sweep this stays: the server that would have removed it is gone.
            #expect(FileManager.default.fileExists(atPath: job.path))
            // Its program outlives it, until some runner claims its uids (another runner in this
            // test process may do so before the restart: that is the same cleanup).
            let programsLeft = geteuid() == 0 ? ProcessSweep.processes(ofUID: job.uid) : []

            let again = try running.restart(evaluator, name: "evaluator-restarted")
            try await again.waitHealthy()
            #expect(!FileManager.default.fileExists(atPath: job.path), "the killed server's run directory is still there")
            #expect(Self.jobDirectories(in: sandbox).isEmpty)
            let runners = try FileManager.default.contentsOfDirectory(atPath: "\(sandbox)/runners")
            #expect(runners.count == 1, "runner directories: \(runners)")
            if geteuid() == 0 {
                let stopped = await eventually(within: .seconds(5)) { programsLeft.allSatisfy { kill($0, 0) != 0 } }
                #expect(stopped, "the killed server's program still runs: \(programsLeft)")
            }
            #expect(again.logTail().contains("Removed what stopped sandbox runners left"))
        }
    }
}
