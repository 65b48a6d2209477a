import Foundation
@testable import SelfHealSandbox
import SelfHealTestSupport
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

    /// None of `pids` still runs as one of `uids`. A killed process whose parent has not reaped
    /// it yet (a zombie) runs nothing; `kill(pid, 0)` would still find it.
    static func noneRuns(_ pids: [pid_t], asUIDs uids: ClosedRange<Int>) -> Bool {
        let running = Set(uids.flatMap { ProcessSweep.processes(ofUID: $0) })
        return pids.allSatisfy { !running.contains($0) }
    }

    static func noneRuns(_ pids: [pid_t], asUID uid: Int) -> Bool { noneRuns(pids, asUIDs: uid...uid) }

    /// The shipped rules with warm hosts turned off (`sandbox.warm_hosts = false`), in `directory`.
    static func coldRules(in directory: URL) throws -> String {
        let rules = directory.appendingPathComponent("rules-cold")
        try FileManager.default.copyItem(atPath: shippedRules, toPath: rules.path)
        let scoring = rules.appendingPathComponent("scoring.lua")
        let text = try String(contentsOf: scoring, encoding: .utf8)
        try #require(text.contains("warm_hosts = true"))
        try text.replacingOccurrences(of: "warm_hosts = true", with: "warm_hosts = false").write(to: scoring, atomically: false, encoding: .utf8)
        return rules.path
    }

    static let sleeper = json([
        "task_type": "code_generation", "user_input": "add two numbers", "language": "python", "entry_point": "add",
        "output": "```python\nimport time\ntime.sleep(600)\ndef add(a, b):\n    return a + b\n```",
        "tests": "def check(candidate):\n    assert candidate(2, 3) == 5\n",
    ])

    @Test("the evaluator killed with SIGKILL mid-run (cold path): its restart removes the run's directory and stops its program")
    func killedMidRunLeavesNothingAfterRestart() async throws {
        let database = try TempDatabase()
        defer { database.cleanup() }
        let sandbox = database.directory.appendingPathComponent("sandbox").path
        let rules = try Self.coldRules(in: database.directory)
        try await withProcesses(in: database.directory) { running in
            let arguments = ["--role", "evaluator", "--database", database.url, "--rules", rules]
            let environment = ["LLM_PROVIDER": "simulated", "SELFHEAL_SANDBOX_DIR": sandbox]
            let evaluator = try running.start(arguments, environment: environment, name: "evaluator")
            try await evaluator.waitHealthy()

            // A program that would outlive any timeout nobody enforces any more.
            let inFlight = Task { try? await fetch(port: evaluator.port, path: "/api/v1/evaluate", body: Self.sleeper) }
            defer { inFlight.cancel() }
            let started = await eventually(within: .seconds(60)) { !Self.jobDirectories(in: sandbox).isEmpty }
            try #require(started, "no run started:\n\(evaluator.logTail())")
            let job = try #require(Self.jobDirectories(in: sandbox).first)
            if geteuid() == 0 {
                // The program runs as the run's uid once it is past the launcher.
                let running = await eventually(within: .seconds(60)) { !ProcessSweep.processes(ofUID: job.uid).isEmpty }
                try #require(running, "the run's program never started:\n\(evaluator.logTail())")
            }
            // Taken while the evaluator holds the run's uid: once it is killed, a runner in this
            // test process may claim that uid (killing the program, the same cleanup) and run jobs
            // of its own as it, which are not the killed server's.
            let programsLeft = geteuid() == 0 ? ProcessSweep.processes(ofUID: job.uid) : []
            try await evaluator.killHard()

            // Without a sweep this stays: the server that would have removed it is gone.
            #expect(FileManager.default.fileExists(atPath: job.path))

            let again = try running.restart(evaluator, name: "evaluator-restarted")
            try await again.waitHealthy()
            #expect(!FileManager.default.fileExists(atPath: job.path), "the killed server's run directory is still there")
            #expect(Self.jobDirectories(in: sandbox).isEmpty)
            let runners = try FileManager.default.contentsOfDirectory(atPath: "\(sandbox)/runners")
            #expect(runners.count == 1, "runner directories: \(runners)")
            if geteuid() == 0 {
                let stopped = await eventually(within: .seconds(30)) { Self.noneRuns(programsLeft, asUID: job.uid) }
                #expect(stopped, "the killed server's program still runs: \(programsLeft)")
            }
            #expect(again.logTail().contains("Removed what stopped sandbox runners left"))
        }
    }

    @Test("the evaluator killed with SIGKILL mid-run (warm path): its program stops with it, and its restart removes what it left")
    func killedMidWarmRunLeavesNothing() async throws {
        let database = try TempDatabase()
        defer { database.cleanup() }
        let sandbox = database.directory.appendingPathComponent("sandbox").path
        try await withProcesses(in: database.directory) { running in
            let arguments = ["--role", "evaluator", "--database", database.url, "--rules", shippedRules]
            let environment = ["LLM_PROVIDER": "simulated", "SELFHEAL_SANDBOX_DIR": sandbox]
            let evaluator = try running.start(arguments, environment: environment, name: "evaluator")
            try await evaluator.waitHealthy()
            let health = try await fetch(.GET, port: evaluator.port, path: "/health").json
            let sandboxHealth = try #require(health["sandbox"] as? [String: Any])
            try #require(sandboxHealth["warm_hosts"] != nil, "no warm hosts here: \(sandboxHealth)")
            guard geteuid() == 0, let range = sandboxHealth["uids"] as? String,
                  let first = Int(range.split(separator: "-")[0]), let last = Int(range.split(separator: "-")[1])
            else { return }
            let programs = { (first...last).flatMap { ProcessSweep.processes(ofUID: $0) } }

            let inFlight = Task { try? await fetch(port: evaluator.port, path: "/api/v1/evaluate", body: Self.sleeper) }
            defer { inFlight.cancel() }
            let started = await eventually(within: .seconds(60)) { !programs().isEmpty }
            try #require(started, "the run's program never started:\n\(evaluator.logTail())")
            let left = programs()
            try await evaluator.killHard()

            // The host sees its evaluator gone and ends every process of the job, restart or not.
            let stopped = await eventually(within: .seconds(30)) { Self.noneRuns(left, asUIDs: first...last) }
            #expect(stopped, "the killed server's program still runs: \(left)")
            let again = try running.restart(evaluator, name: "evaluator-restarted")
            try await again.waitHealthy()
            let runners = try FileManager.default.contentsOfDirectory(atPath: "\(sandbox)/runners")
            #expect(runners.count == 1, "runner directories: \(runners)")
            #expect(again.logTail().contains("Removed what stopped sandbox runners left"))
        }
    }
}
