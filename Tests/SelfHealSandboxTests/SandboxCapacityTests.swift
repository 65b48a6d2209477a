import Foundation
import SelfHealCore
import Testing
@testable import SelfHealSandbox

@Suite(.serialized, .timeLimit(.minutes(2)))
struct SandboxCapacityTests {
    @Test func fullQueueIsTurnedAwayAsBusy() async throws {
        let fixture = try SandboxFixture(timeout: .seconds(40), maxConcurrent: 1, queueLength: 1)
        // Long enough that the second is still waiting when it is looked at, however slowly
        // a loaded machine (all suites at once under `make test`) gets both going.
        let slow = SandboxJob(code: "import time\ntime.sleep(15)\n", tests: "")
        async let first = fixture.runner.run(slow)
        async let second = fixture.runner.run(slow)
        // Not a fixed pause: on a loaded machine the two may not have arrived yet after one.
        let deadline = ContinuousClock.now + .seconds(12)
        while fixture.runner.occupancy != (1, 1) && ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(10))
        }
        try #require(fixture.runner.occupancy == (1, 1), "one job running and one waiting")
        // One runs, one waits: a third has nowhere to go.
        do {
            _ = try await fixture.runner.run(slow)
            Issue.record("expected busy")
        } catch let error as SandboxError {
            #expect(error.isBusy)
        }
        let (a, b) = try await (first, second)
        #expect(a.passed && b.passed)
        #expect(fixture.leftoverFiles.isEmpty)
    }

    @Test func concurrentRunsEachGetTheirOwnResult() async throws {
        let fixture = try SandboxFixture(maxConcurrent: 2, queueLength: 8)
        let results = try await withThrowingTaskGroup(of: (Int, ExecResult).self) { group in
            for n in 0..<6 {
                group.addTask {
                    let code = "def f():\n    return \(n)\n"
                    let tests = "def check(candidate):\n    assert candidate() == 3\n"
                    return (n, try await fixture.run(code, tests: tests, entryPoint: "f"))
                }
            }
            return try await group.reduce(into: [:]) { $0[$1.0] = $1.1 }
        }
        #expect(results.count == 6)
        for (n, result) in results { #expect(result.passed == (n == 3)) }
        #expect(await fixture.leftoverProcesses().isEmpty)
        #expect(fixture.leftoverFiles.isEmpty)
    }

    @Test func unknownLanguageIsAnError() async throws {
        let fixture = try SandboxFixture()
        await #expect(throws: SandboxError.unsupportedLanguage("cobol")) {
            try await fixture.runner.run(SandboxJob(code: "DISPLAY 'HI'.", tests: "", language: "cobol"))
        }
    }

    @Test func languageFromTheRulesIsUsed() async throws {
        // An operator adds a language in rules/scoring.lua; the job carries it.
        let fixture = try SandboxFixture()
        let shell = SandboxSettings.Language(run: ["sh"], check: ["sh", "-n"], fileExtension: ".sh")
        let job = SandboxJob(code: "x=$((2 + 3))", tests: "[ \"$x\" = 5 ] || exit 3", language: "sh", languageOverrides: ["sh": shell])
        let passed = try await fixture.runner.run(job)
        #expect(passed.passed)
        var failing = job
        failing.tests = "[ \"$x\" = 6 ] || exit 3"
        let failed = try await fixture.runner.run(failing)
        #expect(!failed.passed && failed.exitCode == 3)
    }

    @Test func rlimitsOnlyFallbackStillContainsThePrograms() async throws {
        let fixture = try SandboxFixture(timeout: .seconds(2), isolation: .rlimitsOnly)
        #expect(fixture.runner.isolation.mode == .rlimitsOnly)
        #expect(!fixture.runner.isolation.networkIsolated)
        let good = try await fixture.run(addCode, tests: addTests, entryPoint: "add")
        #expect(good.passed)
        let loop = try await fixture.run("while True:\n    pass\n", tests: "")
        #expect(loop.timedOut)
        let daemon = "import os, time\nif os.fork() == 0:\n    os.setsid()\n    time.sleep(600)\n"
        _ = try await fixture.run(daemon, tests: "")
        #expect(await fixture.leftoverProcesses().isEmpty)
        #expect(fixture.leftoverFiles.isEmpty)
    }
}

@Suite struct SandboxBenchmarkTests {
    @Test func benchmarkReportsOverheadAndThroughput() async throws {
        let report = try await SandboxBenchmark.run(runs: 5)
        for row in ["trivial program", "60-line answer, 10 asserts", "smoke run, 60-line", "compile-only, trivial", "compile-only, 60-line", "python3 -I directly", "compile() of 60-line"] {
            #expect(report.contains(row), "\(report)")
        }
        #expect(report.contains("cold median") && report.contains("cold ") && report.contains("sandbox runs/s"), "\(report)")
        if WarmHostTests.warmHere {
            #expect(report.contains("warm median") && report.contains("warm hosts: on"), "\(report)")
        }
    }
}
